package dev.linkstack.backup.jobs;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.model.BackupAlreadyRunningException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Runs the backup on the configured cron. */
@ApplicationScoped
public class BackupSchedule {
    private static final Logger LOG = Logger.getLogger(BackupSchedule.class);

    @Inject
    BackupJobs jobs;

    @Inject
    BackupConfig config;

    @Scheduled(identity = "backup", cron = "${backup.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void backup() {
        try {
            jobs.start("schedule", config.compression());
        } catch (BackupAlreadyRunningException e) {
            LOG.infof("scheduled backup skipped: %s", e.getMessage());
        }
    }
}
