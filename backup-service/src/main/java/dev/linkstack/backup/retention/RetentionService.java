package dev.linkstack.backup.retention;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

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

    /** What {@link #apply} would delete right now, with the reason every other backup is kept; deletes nothing. */
    public RetentionPreview preview(String database) {
        RetentionPolicy.Decision decision = policy.decide(candidates(database));
        return new RetentionPreview(database, policy.rules(),
                decision.delete().stream().map(b -> new RetentionPreview.Entry(b.id(), b.startedAt(), b.sizeBytes(), null)).toList(),
                decision.keep().stream().map(b -> new RetentionPreview.Entry(b.id(), b.startedAt(), b.sizeBytes(), decision.keptBecause().get(b.id()))).toList());
    }

    /** Deletes what the policy lets go; call only right after a successful backup. Returns the deleted ids. */
    public List<String> apply(String database) {
        List<String> deleted = new ArrayList<>();
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
