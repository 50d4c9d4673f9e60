package dev.linkstack.backup.retention;

import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.Backups;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A month in which every restore test failed, then a real backup: the retention that follows it (30 days, keep-last 3)
 * must not take the last backup that restored.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
class RetentionKeepsRestorableBackupTest {

    @InjectPostgres
    TestPostgres postgres;

    @Test
    void aMonthOfFailedRestoreTestsDoesNotDeleteTheLastGoodBackup() {
        BackupStore store = new BackupStore(postgres.backupDir());
        Instant now = Instant.now();
        BackupMetadata lastGood = withVerification(store, Backups.write(store, TestPostgres.DATABASE, now.minus(Duration.ofDays(31))), true);
        List<BackupMetadata> failing = new ArrayList<>();
        for (int day = 1; day <= 29; day++) {
            failing.add(withVerification(store, Backups.write(store, TestPostgres.DATABASE, now.minus(Duration.ofDays(day))), false));
        }

        String made = Api.backup(null);

        List<String> listed = Api.listedIds();
        assertTrue(listed.contains(made), listed.toString());
        assertTrue(listed.containsAll(failing.stream().map(BackupMetadata::id).toList()), "younger than 30 days: " + listed);
        boolean kept = listed.contains(lastGood.id());
        ReliabilityReport.record("backup-service: retention after a month of failed restore tests",
                "29 daily backups failing their restore test, 1 older one passing, then a real backup", kept ? "0" : "1",
                kept ? "none (the last restorable backup kept)" : "the last restorable backup deleted");
        assertTrue(kept, "the newest backup that passed its restore test stays: " + listed);
        assertEquals("the newest backup that passed its restore test", Api.authorized().get("/api/backups/retention-preview")
                .then().statusCode(200).extract().jsonPath().getString("keep.find { it.id == '" + lastGood.id() + "' }.keptBecause"));
        assertFalse(store.list().isEmpty());
    }

    private static BackupMetadata withVerification(BackupStore store, BackupMetadata backup, boolean ok) {
        BackupMetadata verified = backup.withVerification(new BackupMetadata.Verification(backup.startedAt().plusSeconds(60), ok, "schedule",
                ok ? null : "restore failed", 10));
        try {
            store.writeMetadata(verified);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return verified;
    }
}
