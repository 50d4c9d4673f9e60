package dev.linkstack.backup.jobs;

import dev.linkstack.backup.alerts.Alerts;
import dev.linkstack.backup.hooks.BackupHooks;
import dev.linkstack.backup.model.BackupAlreadyRunningException;
import dev.linkstack.backup.model.BackupFailedException;
import dev.linkstack.backup.model.BackupFormat;
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

import java.io.IOException;
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
import java.util.function.Consumer;
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

    private final List<PostStep> postSteps;
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
    public BackupJobs(BackupLock lock, RetentionService retention, BackupMetrics metrics, TargetDatabase target, Clock clock,
                      Alerts alerts, BackupHooks hooks,
                      BackupRuns runs, RunStore runStore,
                      OffsiteCopy offsite) {
        this.offsite = offsite;
        this.runs = runs;
        this.runStore = runStore;
        this.alerts = alerts;
        this.hooks = hooks;
        this.lock = lock;
        this.retention = retention;
        this.metrics = metrics;
        this.target = target;
        this.clock = clock;
        this.postSteps = postSteps(this::applyRetention, this::copyOffsite, o -> hooks.afterBackup(o.result), this::recordStatus, o -> report(o.result));
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
        Outcome outcome = new Outcome(job, held);
        try {
            hooks.beforeBackup(job);
            BackupRuns.Result run = runs.run(job.format(), job.trigger(), job.startedAt());
            outcome.made = run.backups();
            // The job reports the configured database's backup (or the run's first one).
            Optional<BackupMetadata> own = run.backups().stream().filter(b -> b.database().equals(job.database())).findFirst();
            own.ifPresent(metrics::succeeded);
            outcome.backup = own.orElse(run.backups().get(0));
            outcome.result = job.succeeded(clock.instant(), outcome.backup.id(), List.of());
            LOG.infof("backup %s finished: %s, %d bytes, sha256 %s", job.id(), outcome.backup.file(), outcome.backup.sizeBytes(), outcome.backup.sha256());
        } catch (BackupFailedException e) {
            fail(outcome, e.getMessage());
            LOG.errorf("backup %s failed: %s", job.id(), e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            // A LinkageError: a library that cannot load (zstd-jni's native code). It fails this backup, and the job
            // still ends, so whoever waits for it (the CLI, the API) is told instead of waiting forever.
            fail(outcome, "unexpected failure: " + e.getMessage());
            LOG.errorf(e, "backup %s failed", job.id());
        }
        for (PostStep step : postSteps) {
            if (outcome.backup != null || !step.needsBackup()) {
                try {
                    step.action().accept(outcome);
                } catch (RuntimeException e) {
                    LOG.warnf("%s after backup job %s failed: %s", step.name(), job.id(), e.getMessage());
                }
            }
        }
        outcome.unlock();
        return outcome.result;
    }

    private void fail(Outcome outcome, String error) {
        metrics.failed();
        outcome.backup = null;
        outcome.result = outcome.job.failed(clock.instant(), error);
    }

    /**
     * What follows a dump, in this order: retention and the off-site copy (both still under the database's lock, so two
     * instances never prune or upload at once), the unlock, the post-backup hook, the job's final status, then alerts.
     * The first two need a backup; the rest also run after a failure.
     */
    static List<PostStep> postSteps(Consumer<Outcome> retention, Consumer<Outcome> offsite, Consumer<Outcome> postHook,
                                    Consumer<Outcome> status, Consumer<Outcome> alerts) {
        return List.of(new PostStep("retention", true, retention), new PostStep("off-site copy", true, offsite),
                new PostStep("unlock", false, Outcome::unlock),
                new PostStep("post-backup hook", false, postHook), new PostStep("job status", false, status),
                new PostStep("alerts", false, alerts));
    }

    /** One step after the dump; {@code needsBackup}: skipped when the job failed. */
    record PostStep(String name, boolean needsBackup, Consumer<Outcome> action) {
    }

    /** A job as it goes through its post-steps: the backups made, and the result so far. */
    static final class Outcome {
        final BackupJob job;
        private final AutoCloseable lock;
        List<BackupMetadata> made = List.of();
        BackupMetadata backup;
        BackupJob result;

        Outcome(BackupJob job, AutoCloseable lock) {
            this.job = job;
            this.lock = lock;
        }

        /** Releases the database's backup lock; once, however often it is called. */
        void unlock() {
            if (unlocked) {
                return;
            }
            unlocked = true;
            try {
                lock.close();
            } catch (Exception e) {
                LOG.warnf("backup lock of job %s not released: %s", job.id(), e.getMessage());
            }
        }

        private boolean unlocked;
    }

    private void applyRetention(Outcome outcome) {
        List<String> deleted = new ArrayList<>();
        for (BackupMetadata made : outcome.made) {
            deleted.addAll(applyRetention(made.database()));
        }
        if (runs.enabled()) {
            runStore.pruneOrphans();
        }
        outcome.result = outcome.job.succeeded(outcome.result.finishedAt(), outcome.backup.id(), deleted);
    }

    private void recordStatus(Outcome outcome) {
        synchronized (this) {
            jobs.put(outcome.result.id(), outcome.result);
            runningJobId = null;
        }
        completions.remove(outcome.job.id());
    }

    /**
     * The off-site copy follows the local backup, still under the lock; its failure is alerted but never undoes the
     * local backup, which is complete.
     */
    private void copyOffsite(Outcome outcome) {
        BackupMetadata backup = outcome.backup;
        if (!offsite.enabled()) {
            return;
        }
        try {
            offsite.copy(backup);
            offsite.applyRetention(backup.database());
        } catch (IOException | RuntimeException e) {
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
