package dev.linkstack.backup.jobs;

import dev.linkstack.backup.alerts.Alerts;
import dev.linkstack.backup.dump.DumpRunner;
import dev.linkstack.backup.hooks.BackupHooks;
import dev.linkstack.backup.model.BackupAlreadyRunningException;
import dev.linkstack.backup.model.BackupFailedException;
import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupJob;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.offsite.OffsiteCopy;
import dev.linkstack.backup.postgres.TargetDatabase;
import dev.linkstack.backup.retention.RetentionService;
import dev.linkstack.backup.store.RunStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Starts backups and keeps their status. A backup starts only when this instance runs none and the database's
 * advisory lock is free; the lock is held until the dump is published and retention has run.
 */
@Singleton
public class BackupJobs {
    private static final Logger LOG = Logger.getLogger(BackupJobs.class);
    private static final int REMEMBERED_JOBS = 200;
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final DumpRunner runner;
    private final BackupLock lock;
    private final RetentionService retention;
    private final BackupMetrics metrics;
    private final TargetDatabase target;
    private final Clock clock;
    private final Alerts alerts;
    private final BackupHooks hooks;
    private final BackupRuns runs;
    private final RunStore runStore;
    private final OffsiteCopy offsite;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "backup-job"));
    private final Map<String, BackupJob> jobs = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, BackupJob> eldest) {
            return size() > REMEMBERED_JOBS;
        }
    });
    private final Map<String, CompletableFuture<BackupJob>> completions = new ConcurrentHashMap<>();
    private String runningJobId; // guarded by this

    @Inject
    public BackupJobs(DumpRunner runner, BackupLock lock, RetentionService retention, BackupMetrics metrics, TargetDatabase target, Clock clock,
                      Alerts alerts, BackupHooks hooks,
                      BackupRuns runs, RunStore runStore,
                      OffsiteCopy offsite) {
        this.offsite = offsite;
        this.runs = runs;
        this.runStore = runStore;
        this.alerts = alerts;
        this.hooks = hooks;
        this.runner = runner;
        this.lock = lock;
        this.retention = retention;
        this.metrics = metrics;
        this.target = target;
        this.clock = clock;
    }

    public static boolean isValidJobId(String id) {
        return id != null && JOB_ID.matcher(id).matches();
    }

    /**
     * Starts a backup in the background and returns its job right away. When the database cannot be reached the
     * returned job has already failed, with the reason.
     *
     * @throws BackupAlreadyRunningException when a backup of the database runs here or in another instance
     */
    public synchronized BackupJob start(String trigger, BackupFormat format) {
        if (runningJobId != null) {
            throw new BackupAlreadyRunningException("a backup of database " + target.name() + " is already running", jobs.get(runningJobId));
        }
        BackupJob job = BackupJob.running(UUID.randomUUID().toString(), trigger, target.name(), format, clock.instant());
        Optional<BackupLock.Held> held;
        try {
            held = lock.tryAcquire(job.id());
        } catch (SQLException e) {
            BackupJob failed = job.failed(clock.instant(), "database " + target.name() + " on " + target.host() + ":" + target.port()
                    + " is unreachable: " + e.getMessage());
            jobs.put(failed.id(), failed);
            metrics.failed();
            LOG.errorf("backup %s failed: %s", failed.id(), failed.error());
            report(failed);
            return failed;
        }
        if (held.isEmpty()) {
            throw new BackupAlreadyRunningException("a backup of database " + target.name() + " is already running in another instance"
                    + lock.holder().map(holder -> " (" + holder + ")").orElse(""), null);
        }
        jobs.put(job.id(), job);
        runningJobId = job.id();
        CompletableFuture<BackupJob> completion = new CompletableFuture<>();
        completions.put(job.id(), completion);
        LOG.infof("backup %s of %s started (%s, %s)", job.id(), job.database(), trigger, format);
        worker.execute(() -> completion.complete(run(job, held.get())));
        return job;
    }

    /** Starts a backup and waits for its end; for the command line. */
    public BackupJob runToCompletion(String trigger, BackupFormat format) throws InterruptedException {
        BackupJob job = start(trigger, format);
        return job.finished() ? job : await(job.id(), Duration.ofDays(1)).orElse(job);
    }

    /** Waits for a job to finish; empty when it is unknown or still running at the deadline. */
    public Optional<BackupJob> await(String jobId, Duration timeout) throws InterruptedException {
        CompletableFuture<BackupJob> completion = completions.get(jobId);
        if (completion == null) {
            return find(jobId).filter(BackupJob::finished);
        }
        try {
            return Optional.of(completion.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public Optional<BackupJob> find(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    /** Recent jobs, newest first. */
    public List<BackupJob> recent() {
        List<BackupJob> recent;
        synchronized (jobs) {
            recent = new ArrayList<>(jobs.values());
        }
        Collections.reverse(recent);
        return recent;
    }

    public synchronized Optional<BackupJob> running() {
        return Optional.ofNullable(runningJobId).map(jobs::get);
    }

    private BackupJob run(BackupJob job, BackupLock.Held held) {
        BackupJob result;
        try (held) {
            hooks.beforeBackup(job);
            BackupMetadata backup;
            List<String> deleted;
            if (runs.enabled()) {
                BackupRuns.Result run = runs.run(job.format(), job.trigger(), job.startedAt());
                // The job reports the configured database's backup (or the run's first one).
                backup = run.backups().stream().filter(b -> b.database().equals(job.database())).findFirst().orElse(run.backups().get(0));
                run.backups().stream().filter(b -> b.database().equals(job.database())).findFirst().ifPresent(metrics::succeeded);
                deleted = new java.util.ArrayList<>();
                for (BackupMetadata made : run.backups()) {
                    deleted.addAll(applyRetention(made.database()));
                }
                runStore.pruneOrphans();
            } else {
                backup = runner.dump(BackupId.create(job.database(), job.startedAt()), job.format(), job.trigger(), job.startedAt());
                metrics.succeeded(backup);
                // Still under the lock, so two instances never prune the same directory at once.
                deleted = applyRetention(job.database());
            }
            copyOffsite(backup);
            result = job.succeeded(clock.instant(), backup.id(), deleted);
            LOG.infof("backup %s finished: %s, %d bytes, sha256 %s", job.id(), backup.file(), backup.sizeBytes(), backup.sha256());
        } catch (BackupFailedException e) {
            metrics.failed();
            result = job.failed(clock.instant(), e.getMessage());
            LOG.errorf("backup %s failed: %s", job.id(), e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            // A LinkageError: a library that cannot load (zstd-jni's native code). It fails this backup, and the job
            // still ends, so whoever waits for it (the CLI, the API) is told instead of waiting forever.
            metrics.failed();
            result = job.failed(clock.instant(), "unexpected failure: " + e.getMessage());
            LOG.errorf(e, "backup %s failed", job.id());
        }
        hooks.afterBackup(result);
        synchronized (this) {
            jobs.put(result.id(), result);
            runningJobId = null;
        }
        completions.remove(job.id());
        report(result);
        return result;
    }

    /**
     * The off-site copy follows the local backup, still under the lock; its failure is alerted but never undoes the
     * local backup, which is complete.
     */
    private void copyOffsite(BackupMetadata backup) {
        if (!offsite.enabled()) {
            return;
        }
        try {
            offsite.copy(backup);
            offsite.applyRetention(backup.database());
        } catch (java.io.IOException | RuntimeException e) {
            LOG.errorf("off-site copy of %s failed: %s", backup.id(), e.getMessage());
            alerts.offsiteFailed(backup, String.valueOf(e.getMessage()));
        }
    }

    /** Alerts are sent in the background; a broken alert channel never turns a backup into a failure. */
    private void report(BackupJob job) {
        try {
            alerts.backupFinished(job, target.host());
        } catch (RuntimeException e) {
            LOG.warnf("alert for backup %s not sent: %s", job.id(), e.getMessage());
        }
    }

    private List<String> applyRetention(String database) {
        try {
            return retention.apply(database);
        } catch (RuntimeException e) {
            // The new backup is safe; pruning is retried after the next one.
            LOG.warnf("retention failed: %s", e.getMessage());
            return List.of();
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
