package dev.linkstack.backup.health;

import dev.linkstack.backup.config.TestConfigs;
import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.backup.testing.Backups;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackupFreshnessCheckTest {

    @Test
    void intervalFollowsTheCron() {
        assertEquals(Optional.of(Duration.ofDays(1)), BackupFreshnessCheck.scheduleInterval("0 0 3 * * ?"));
        assertEquals(Optional.of(Duration.ofHours(6)), BackupFreshnessCheck.scheduleInterval("0 0 */6 * * ?"));
        assertEquals(Optional.of(Duration.ofDays(7)), BackupFreshnessCheck.scheduleInterval("0 30 2 ? * SUN"));
        assertEquals(Optional.empty(), BackupFreshnessCheck.scheduleInterval("off"));
    }

    @TempDir
    Path dir;

    @Test
    void staleAfterTheConfiguredNumberOfIntervals() {
        Instant now = Instant.parse("2026-03-18T12:00:00Z");
        // Daily schedule, factor 1.5: stale after 36 hours.
        assertEquals(HealthCheckResponse.Status.UP, freshness(now, now.minus(Duration.ofHours(35)), "1.5").getStatus());
        assertEquals(HealthCheckResponse.Status.DOWN, freshness(now, now.minus(Duration.ofHours(37)), "1.5").getStatus());
        assertEquals(HealthCheckResponse.Status.UP, freshness(now, now.minus(Duration.ofHours(37)), "2").getStatus());
    }

    private HealthCheckResponse freshness(Instant now, Instant lastBackup, String factor) {
        Path store = dir.resolve(factor + "-" + lastBackup.getEpochSecond());
        BackupFreshnessCheck check = new BackupFreshnessCheck();
        check.store = new BackupStore(store);
        check.config = TestConfigs.backupConfig(Map.of("backup.cron", "0 0 3 * * ?", "backup.freshness.factor", factor, "backup.db.name", "shop",
                "backup.dir", store.toString()));
        check.clock = Clock.fixed(now, ZoneOffset.UTC);
        Backups.write(check.store, "shop", lastBackup);
        return check.call();
    }
}
