package dev.linkstack.backup.cli;

import dev.linkstack.platform.startup.RequiredSecrets;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.ReliabilityReport;
import dev.linkstack.testing.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** keep-last=0 with days=0 would delete the backup each run just made: the packaged service refuses to start. */
class RetentionThatKeepsNothingRefusesStartIT {
    private static final PackagedService SERVICE = PackagedService.of(Path.of("."));

    @TempDir
    Path backups;

    @Test
    void refusesToStartWithTheReason() throws Exception {
        try (ServiceProcess service = ServiceProcess.launch(SERVICE, "backup-keeps-nothing", Map.of(
                "BACKUP_DB_HOST", "127.0.0.1",
                "BACKUP_DB_PORT", "1",
                "BACKUP_DB_NAME", "shop",
                "BACKUP_DB_USER", "backup",
                "BACKUP_DB_PASSWORD", "start-check-password",
                "BACKUP_API_TOKEN", "start-check-token",
                "BACKUP_DIR", backups.toString(),
                "BACKUP_RETENTION_DAYS", "0",
                "BACKUP_KEEP_LAST", "0"))) {
            assertTrue(service.process().waitFor(90, TimeUnit.SECONDS), "the service stops by itself: " + service.log());
            assertEquals(RequiredSecrets.EXIT_CODE, service.process().exitValue(), service.log());
            assertTrue(service.log().contains("Refusing to start: BACKUP_RETENTION_DAYS and BACKUP_KEEP_LAST keep nothing"), service.log());
            ReliabilityReport.record("backup-service: retention that would keep nothing", "service start with days=0, keep-last=0",
                    "refused at start with exit 78", "none (no backup deleted)");
        }
    }
}
