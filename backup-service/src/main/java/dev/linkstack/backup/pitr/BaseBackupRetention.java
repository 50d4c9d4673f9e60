package dev.linkstack.backup.pitr;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.retention.RetentionPolicy;
import dev.linkstack.backup.retention.RetentionPreview;
import dev.linkstack.backup.retention.RetentionRules;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Retention of base backups, with the dumps' rules (each overridable by backup.base.retention.*), then pruning of the
 * WAL archive: what is older than the start of the oldest base backup still listed goes (see {@link WalPruning}).
 * A base backup is first renamed to a hidden name (one atomic step, so it is no longer listed), then removed; WAL is
 * pruned only after, against the base backups listed at that moment, so no interruption leaves a listed base backup
 * without its WAL. Runs after each base backup and on the dumps' schedule (backup.cron); never while a point-in-time
 * restore reads the base backups. The off-site copies of what it deletes are deleted too. Every base backup of an
 * incremental chain stays while any member is kept; deletions go newest first, so an interruption never leaves an
 * incremental without its parent.
 */
@Startup
@Singleton
public class BaseBackupRetention {
    private static final Logger LOG = Logger.getLogger(BaseBackupRetention.class);

    private final BackupConfig config;
    private final RetentionPolicy policy;
    private final MeterRegistry registry;
    private final Counter deletedBaseBackups;
    private final Counter prunedWalFiles;
    private final ReentrantReadWriteLock deleting = new ReentrantReadWriteLock();
    /** Deletes the off-site copies of what retention deletes (absent when the class is built by hand). */
    @Inject
    PitrOffsiteCopy offsite;

    @Inject
    public BaseBackupRetention(BackupConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.policy = new RetentionPolicy(RetentionRules.forBaseBackups(config), clock);
        this.registry = registry;
        this.deletedBaseBackups = Counter.builder("backup.base.retention.deleted")
                .description("Base backups deleted by retention since start").register(registry);
        this.prunedWalFiles = Counter.builder("backup.wal.pruned.files")
                .description("WAL archive files deleted since start because no kept base backup needs them").register(registry);
    }

    @PreDestroy
    void unregister() {
        registry.remove(deletedBaseBackups);
        registry.remove(prunedWalFiles);
    }

    /** What one run did: the base backups deleted, the WAL files pruned, and why pruning was held back, if it was. */
    public record Outcome(List<String> deletedBaseBackups, int prunedWalFiles, String walKeptBecause) {
    }

    /** What a run would do now: the base backups it deletes and keeps (with the reason), and the WAL it prunes. */
    @RegisterForReflection(targets = {Preview.class, WalPreview.class, RetentionPreview.Entry.class, RetentionRules.class})
    public record Preview(RetentionRules rules, List<RetentionPreview.Entry> delete, List<RetentionPreview.Entry> keep, WalPreview wal) {
    }

    /** The oldest base backup kept, the first WAL segment kept, how many archive files would go, or why none. */
    public record WalPreview(String oldestBaseBackup, String keptFrom, int filesToPrune, String keptBecause) {
    }

    @Scheduled(identity = "base-backup-retention", cron = "${backup.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            apply();
        } catch (RuntimeException e) {
            LOG.errorf("scheduled base backup retention failed: %s", e.getMessage());
        }
    }

    /** Deletes the base backups the rules let go, then the WAL none of the remaining ones needs. */
    public Outcome apply() {
        if (!deleting.writeLock().tryLock()) {
            LOG.info("base backup retention postponed: a point-in-time restore is reading the base backups");
            return new Outcome(List.of(), 0, "postponed: a point-in-time restore is running");
        }
        try {
            Path baseDir = PitrDirs.base(config);
            List<String> deleted = new ArrayList<>();
            policy.rules().keepsNothing("the base backup retention settings")
                    .ifPresent(reason -> LOG.errorf("base backup retention deletes nothing: %s", reason));
            for (BaseBackup backup : decide(BaseBackups.list(baseDir)).delete()) {
                if (delete(baseDir, backup)) {
                    deleted.add(backup.id());
                    deletedBaseBackups.increment();
                }
            }
            // Against what is listed now, not the decision: a base backup that could not be deleted keeps its WAL.
            Path walDir = PitrDirs.wal(config);
            WalPruning.Plan plan = WalPruning.plan(walDir, BaseBackups.list(baseDir));
            if (plan.blockedBecause() != null && plan.anchor() != null) {
                LOG.warnf("WAL archive not pruned: %s", plan.blockedBecause());
            }
            int pruned = WalPruning.prune(walDir, plan);
            prunedWalFiles.increment(pruned);
            if (offsite != null) {
                offsite.removeCopies(deleted, WalPruning.offsiteNamesOfPruned(plan));
            }
            return new Outcome(deleted, pruned, plan.blockedBecause());
        } catch (IOException e) {
            throw new PitrRefusal(503, "backup_directory_unavailable", "base backup retention: cannot list the WAL archive: " + e.getMessage());
        } finally {
            deleting.writeLock().unlock();
        }
    }

    /** What {@link #apply} would do now; deletes nothing. */
    public Preview preview() {
        RetentionPolicy.Decision<BaseBackup> decision = decide(BaseBackups.list(PitrDirs.base(config)));
        WalPruning.Plan plan;
        try {
            plan = WalPruning.plan(PitrDirs.wal(config), decision.keep());
        } catch (IOException e) {
            throw new PitrRefusal(503, "backup_directory_unavailable", "cannot list the WAL archive: " + e.getMessage());
        }
        return new Preview(policy.rules(), entries(decision.delete(), Map.of()), entries(decision.keep(), decision.keptBecause()),
                new WalPreview(plan.anchor(), plan.keptFrom(), plan.files().size(), plan.blockedBecause()));
    }

    /** The rules' verdict on these base backups; with rules that keep nothing, everything is kept. */
    public RetentionPolicy.Decision<BaseBackup> decide(List<BaseBackup> baseBackups) {
        Optional<String> keepsNothing = policy.rules().keepsNothing("the base backup retention settings");
        if (keepsNothing.isPresent()) {
            Map<String, String> all = new java.util.LinkedHashMap<>();
            baseBackups.forEach(b -> all.put(b.id(), keepsNothing.get()));
            return new RetentionPolicy.Decision<>(baseBackups, List.of(), all);
        }
        // A base backup a kept incremental is taken on stays: the incremental cannot be restored without its whole chain.
        return IncrementalChains.keepChains(policy.decide(baseBackups, b -> new RetentionPolicy.Candidate(b.id(), b.startedAt(), null)));
    }

    /** Runs {@code work} while retention deletes nothing: a restore reads base backups and WAL meanwhile. */
    <T> T whileNothingIsDeleted(Supplier<T> work) {
        deleting.readLock().lock();
        try {
            return work.get();
        } finally {
            deleting.readLock().unlock();
        }
    }

    private static List<RetentionPreview.Entry> entries(List<BaseBackup> backups, Map<String, String> keptBecause) {
        return backups.stream().map(b -> new RetentionPreview.Entry(b.id(), b.startedAt(),
                b.files().values().stream().mapToLong(BaseBackup.FileSum::sizeBytes).sum(), keptBecause.get(b.id()))).toList();
    }

    /** Unlists the base backup in one atomic rename, then removes its files; false when it could not be unlisted. */
    private static boolean delete(Path baseDir, BaseBackup backup) {
        Path published = baseDir.resolve(backup.id());
        Path hidden = AtomicFiles.partialOf(published);
        try {
            BaseBackups.deleteTree(hidden);
            Files.move(published, hidden, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(baseDir);
        } catch (AtomicMoveNotSupportedException e) {
            LOG.warnf("retention could not delete base backup %s: the backup directory does not support atomic renames", backup.id());
            return false;
        } catch (IOException e) {
            LOG.warnf("retention could not delete base backup %s: %s", backup.id(), e.getMessage());
            return false;
        }
        BaseBackups.deleteTree(hidden);
        LOG.infof("retention deleted base backup %s from %s", backup.id(), backup.startedAt());
        return true;
    }
}
