package dev.linkstack.backup.health;

import org.junit.jupiter.api.Test;

import java.time.Duration;
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
}
