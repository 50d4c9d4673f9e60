package dev.linkstack.backup.restore;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Restores the newest backup into a scratch database on the configured cron (default weekly). */
@ApplicationScoped
public class VerificationSchedule {
    private static final Logger LOG = Logger.getLogger(VerificationSchedule.class);

    @Inject
    BackupVerification verification;

    @Scheduled(identity = "verify", cron = "${backup.verify.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void verifyNewest() {
        try {
            verification.verifyNewest("schedule");
        } catch (DatabaseUnavailableException e) {
            // Already recorded on the backup and alerted.
            LOG.debugf("scheduled verification could not run: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "scheduled verification failed");
        }
    }
}
