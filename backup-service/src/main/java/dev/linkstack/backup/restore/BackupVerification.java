package dev.linkstack.backup.restore;

import dev.linkstack.backup.alerts.Alerts;
import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * Proof that backups restore: restores one into a scratch database (see {@link RestoreService#verify}), records the
 * outcome on the backup ("last verified", shown by the list) and raises an alert when it fails.
 */
@Singleton
public class BackupVerification {
    private static final Logger LOG = Logger.getLogger(BackupVerification.class);

    private final RestoreService restores;
    private final BackupStore store;
    private final Alerts alerts;
    private final BackupConfig config;
    private final Clock clock;

    @Inject
    public BackupVerification(RestoreService restores, BackupStore store, Alerts alerts, BackupConfig config, Clock clock) {
        this.restores = restores;
        this.store = store;
        this.alerts = alerts;
        this.config = config;
        this.clock = clock;
    }

    /** Verifies one backup and records the result. An unreachable server is recorded and alerted as a failed proof too. */
    public VerifyReport verify(BackupMetadata backup, String trigger) throws DatabaseUnavailableException, MissingKeyException {
        return verify(backup, trigger, Optional.empty());
    }

    /** As {@link #verify(BackupMetadata, String)}, with the private key of an encrypted backup. */
    public VerifyReport verify(BackupMetadata backup, String trigger, Optional<String> identity) throws DatabaseUnavailableException, MissingKeyException {
        try {
            VerifyReport report = restores.verify(backup, identity);
            record(backup, new BackupMetadata.Verification(clock.instant(), report.ok(), trigger, report.error(), report.durationMillis()));
            return report;
        } catch (DatabaseUnavailableException e) {
            record(backup, new BackupMetadata.Verification(clock.instant(), false, trigger, e.getMessage(), 0));
            throw e;
        }
    }

    /** Verifies the newest successful backup of the configured database; empty when there is none. */
    public Optional<VerifyReport> verifyNewest(String trigger) throws DatabaseUnavailableException {
        Optional<BackupMetadata> newest = store.list().stream().filter(BackupMetadata::succeeded)
                .filter(b -> config.db().name().equals(b.database())).findFirst();
        if (newest.isEmpty()) {
            LOG.info("no backup to verify yet");
            return Optional.empty();
        }
        BackupMetadata backup = newest.get();
        if (backup.encrypted()) {
            // The service holds no private key: an encrypted backup can only be checked against its checksum here.
            VerifyReport report = restores.checksumOnly(backup);
            record(backup, new BackupMetadata.Verification(clock.instant(), report.ok(), trigger + " (checksum only: encrypted)", report.error(),
                    report.durationMillis()));
            return Optional.of(report);
        }
        try {
            return Optional.of(verify(backup, trigger));
        } catch (MissingKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private void record(BackupMetadata backup, BackupMetadata.Verification verification) {
        if (verification.ok()) {
            LOG.infof("backup %s verified (%s, %d ms)", backup.id(), verification.trigger(), verification.durationMillis());
        } else {
            LOG.errorf("backup %s failed verification (%s): %s", backup.id(), verification.trigger(), verification.error());
        }
        try {
            store.recordVerification(backup.id(), verification);
        } catch (IOException e) {
            LOG.warnf("verification result of %s could not be recorded: %s", backup.id(), e.getMessage());
        }
        alerts.verificationFinished(backup, verification);
    }
}
