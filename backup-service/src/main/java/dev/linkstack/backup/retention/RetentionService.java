package dev.linkstack.backup.retention;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.platform.errors.ApiException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies the retention rules to one database's backups in the store. Only listed backups (service-written, with
 * metadata) are candidates, so foreign files and other databases' backups are never touched.
 */
@Singleton
public class RetentionService {
    private static final Logger LOG = Logger.getLogger(RetentionService.class);

    private final BackupStore store;
    private final RetentionPolicy policy;

    @Inject
    public RetentionService(BackupStore store, BackupConfig config, Clock clock) {
        this(store, new RetentionPolicy(RetentionRules.from(config.retention()), clock));
    }

    public RetentionService(BackupStore store, RetentionPolicy policy) {
        this.store = store;
        this.policy = policy;
    }

    /**
     * Why the configured retention (local, and off-site when a copy is configured) would keep nothing; the service
     * refuses to start with these reasons.
     */
    public static List<String> refusals(BackupConfig config) {
        List<String> refusals = new ArrayList<>();
        RetentionRules.from(config.retention()).keepsNothing("BACKUP_RETENTION_DAYS and BACKUP_KEEP_LAST").ifPresent(refusals::add);
        RetentionRules base = RetentionRules.forBaseBackups(config);
        if (!base.equals(RetentionRules.from(config.retention()))) {
            base.keepsNothing("BACKUP_BASE_RETENTION_DAYS and BACKUP_BASE_RETENTION_KEEP_LAST (base backups)").ifPresent(refusals::add);
        }
        if (config.offsite().endpoint().isPresent()) {
            offsiteRules(config.offsite()).keepsNothing("BACKUP_OFFSITE_RETENTION_DAYS and BACKUP_OFFSITE_KEEP_LAST").ifPresent(refusals::add);
        }
        return refusals;
    }

    public static RetentionRules offsiteRules(BackupConfig.Offsite offsite) {
        return new RetentionRules(offsite.retentionDays(), offsite.keepLast(), 0, 0, 0);
    }

    /** What {@link #apply} would delete right now, with the reason every other backup is kept; deletes nothing. */
    public RetentionPreview preview(String database) {
        Optional<String> keepsNothing = policy.rules().keepsNothing("the retention settings");
        if (keepsNothing.isPresent()) {
            throw ApiException.conflict(keepsNothing.get());
        }
        RetentionPolicy.Decision<BackupMetadata> decision = policy.decide(candidates(database));
        return new RetentionPreview(database, policy.rules(),
                decision.delete().stream().map(b -> new RetentionPreview.Entry(b.id(), b.startedAt(), b.sizeBytes(), null)).toList(),
                decision.keep().stream().map(b -> new RetentionPreview.Entry(b.id(), b.startedAt(), b.sizeBytes(), decision.keptBecause().get(b.id()))).toList());
    }

    /** Deletes what the policy lets go; call only right after a successful backup. Returns the deleted ids. */
    public List<String> apply(String database) {
        List<String> deleted = new ArrayList<>();
        Optional<String> keepsNothing = policy.rules().keepsNothing("the retention settings");
        if (keepsNothing.isPresent()) {
            LOG.errorf("retention deletes nothing: %s", keepsNothing.get());
            return deleted;
        }
        for (BackupMetadata backup : policy.decide(candidates(database)).delete()) {
            try {
                if (store.delete(backup.id())) {
                    deleted.add(backup.id());
                    LOG.infof("retention deleted backup %s from %s", backup.id(), backup.startedAt());
                }
            } catch (IOException e) {
                LOG.warnf("retention could not delete backup %s: %s", backup.id(), e.getMessage());
            }
        }
        return deleted;
    }

    private List<BackupMetadata> candidates(String database) {
        return store.list().stream()
                .filter(BackupMetadata::succeeded)
                .filter(b -> database.equals(b.database()))
                .toList();
    }
}
