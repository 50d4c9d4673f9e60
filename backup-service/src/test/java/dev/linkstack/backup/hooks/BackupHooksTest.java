package dev.linkstack.backup.hooks;

import dev.linkstack.backup.config.TestConfigs;
import dev.linkstack.backup.model.BackupFailedException;
import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupJob;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real /bin/sh hooks: the reason of a failing pre-hook carries its output; a hanging one is killed at its limit. */
class BackupHooksTest {
    private static final BackupJob JOB = new BackupJob("00000000-0000-0000-0000-000000000000", BackupJob.State.RUNNING, "test", "shop",
            BackupFormat.GZIP, Instant.now(), null, null, null, null);

    @Test
    void aFailingPreHookReportsItsExitCodeAndLastLines() {
        BackupHooks hooks = hooks(Map.of("backup.hooks.pre", "echo first; echo \"db is $BACKUP_DATABASE\" >&2; exit 2"));
        BackupFailedException e = assertThrows(BackupFailedException.class, () -> hooks.beforeBackup(JOB));
        assertEquals("pre-backup hook failed (exit code 2): first\ndb is shop; no dump was taken", e.getMessage());
    }

    @Test
    void aHangingPreHookIsKilledAtItsTimeLimit() {
        BackupHooks hooks = hooks(Map.of("backup.hooks.pre", "echo waiting; sleep 30", "backup.hooks.timeout", "PT0.5S"));
        long started = System.nanoTime();
        BackupFailedException e = assertThrows(BackupFailedException.class, () -> hooks.beforeBackup(JOB));
        assertTrue(e.getMessage().startsWith("pre-backup hook failed (did not finish within PT0.5S and was stopped): waiting"), e.getMessage());
        assertTrue(System.nanoTime() - started < 20_000_000_000L, "did not wait for the sleep");
    }

    @Test
    void aFailingPostHookNeverThrowsAndNoHooksMeansNothingRuns() {
        assertDoesNotThrow(() -> hooks(Map.of("backup.hooks.post", "exit 9")).afterBackup(JOB));
        assertDoesNotThrow(() -> hooks(Map.of()).beforeBackup(JOB));
    }

    private static BackupHooks hooks(Map<String, String> values) {
        return new BackupHooks(TestConfigs.backupConfig(values));
    }
}
