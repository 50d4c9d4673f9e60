package dev.linkstack.backup.cli;

import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.platform.startup.RequiredSecrets;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.ReliabilityReport;
import dev.linkstack.testing.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service next to a PostgreSQL 16 server while only the PostgreSQL 15 client is installed: it stops at
 * start with the reason, instead of failing the first backup at night.
 */
class NoFittingPgDumpRefusesStartIT {
    private static final PackagedService SERVICE = PackagedService.of(Path.of("."));

    @Test
    void refusesToStartWithTheReason() throws Exception {
        try (TestPostgres postgres = TestPostgres.start(PostgresServer.bundled());
             ServiceProcess service = ServiceProcess.launch(SERVICE, "backup-no-pg-dump", Map.of(
                     "BACKUP_DB_HOST", "127.0.0.1",
                     "BACKUP_DB_PORT", String.valueOf(postgres.server().port()),
                     "BACKUP_DB_NAME", TestPostgres.DATABASE,
                     "BACKUP_DB_USER", TestPostgres.OWNER,
                     "BACKUP_DB_PASSWORD", TestPostgres.OWNER_PASSWORD,
                     "BACKUP_API_TOKEN", "start-check-token",
                     "BACKUP_DIR", postgres.backupDir().toString(),
                     "BACKUP_PG_SEARCH_DIRS", "/usr/lib/postgresql/*/bin"))) {
            assertTrue(service.process().waitFor(90, TimeUnit.SECONDS), "the service stops by itself: " + service.log());
            assertEquals(RequiredSecrets.EXIT_CODE, service.process().exitValue(), service.log());
            assertTrue(service.log().contains("Refusing to start: pg_dump 15 is older than the server (PostgreSQL 16)"), service.log());
            ReliabilityReport.record("backup-service: no pg_dump for the server's major version", "service start against PostgreSQL 16",
                    "refused at start with exit 78", "none (no backup attempted)");
        }
    }
}
