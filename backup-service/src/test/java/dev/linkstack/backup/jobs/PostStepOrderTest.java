package dev.linkstack.backup.jobs;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What follows a dump, and in which order: the lock is released before the hook, the status before the alerts. */
class PostStepOrderTest {

    @Test
    void postStepsRunInOneOrder() {
        List<BackupJobs.PostStep> steps = BackupJobs.postSteps(o -> { }, o -> { }, o -> { }, o -> { }, o -> { });
        assertEquals(List.of("retention", "off-site copy", "unlock", "post-backup hook", "job status", "alerts"),
                steps.stream().map(BackupJobs.PostStep::name).toList());
        // Only retention and the off-site copy need a backup; a failed job still unlocks, runs its hook, ends and is alerted.
        assertEquals(List.of("retention", "off-site copy"), steps.stream().filter(BackupJobs.PostStep::needsBackup).map(BackupJobs.PostStep::name).toList());
    }
}
