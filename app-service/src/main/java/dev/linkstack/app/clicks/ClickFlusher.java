package dev.linkstack.app.clicks;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.redis.RedisGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Moves clicks from memory to their durable home in batches: with Redis, memory → Redis every push interval
 * and Redis → database every flush interval; without Redis (dev), memory → database. When Redis is down the
 * counts go straight to the database; when that fails too they stay in memory and are retried. On graceful
 * shutdown everything pending is written.
 */
@ApplicationScoped
@Startup // its metrics exist from the start, not from the first click
public class ClickFlusher {
    private static final Logger LOG = Logger.getLogger(ClickFlusher.class);

    private final ClickCounter counter;
    private final ClickStore store;
    private final SharedClickCounters shared;
    private final RedisGuard guard;
    private final Clock clock;
    private final Counter flushedClicks;
    private final Duration pushInterval;
    private final ScheduledExecutorService pushTimer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "click-push");
        thread.setDaemon(true);
        return thread;
    });
    /** Batches bound for the database that failed, by batch id, retried as they are; guarded by this. */
    private final Map<String, Map<ClickKey, Long>> databaseWritesPending = new LinkedHashMap<>();
    /** Pushes whose reply was lost, by push id; guarded by this. */
    private final Map<String, Map<ClickKey, Long>> pushesInDoubt = new LinkedHashMap<>();
    private volatile Instant lastFlush;

    ClickFlusher(AppConfig config, ClickCounter counter, ClickStore store, Instance<RedisDataSource> redis, RedisGuard guard,
                 Clock clock, MeterRegistry registry) {
        this.counter = counter;
        this.store = store;
        this.shared = config.backend() == AppConfig.Backend.REDIS ? new SharedClickCounters(redis.get()) : null;
        this.guard = guard;
        this.clock = clock;
        this.pushInterval = config.clicks().pushInterval();
        this.lastFlush = clock.instant();
        this.flushedClicks = Counter.builder("linkstack.clicks.flushed").description("Clicks written to the database").register(registry);
        Gauge.builder("linkstack.clicks.flush.lag", this, f -> f.flushLagSeconds()).baseUnit("seconds")
                .description("Seconds since clicks were last written to the database").register(registry);
    }

    /** The scheduler's finest interval is one second; pushes run on their own timer to lose less on a crash. */
    void startPushing(@Observes StartupEvent start) {
        if (shared != null) {
            long interval = Math.max(10, pushInterval.toMillis());
            pushTimer.scheduleWithFixedDelay(this::scheduledPush, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    void scheduledPush() {
        if (shared != null) {
            try {
                push();
            } catch (RuntimeException e) {
                LOG.warnf("clicks kept in memory, will retry: %s", e.toString());
            }
        }
    }

    @Scheduled(every = "${app.clicks.flush-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduledFlush() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warnf("click flush failed, will retry: %s", e.toString());
        }
    }

    @Scheduled(every = "1h", delayed = "1m")
    void forgetOldBatchIds() {
        store.forgetOldBatchIds();
    }

    /** Writes every click counted so far to the database; used on shutdown and by tests. */
    public synchronized void flush() {
        if (shared == null) {
            Map<ClickKey, Long> batch = counter.drain();
            writeToDatabase(batch);
            lastFlush = clock.instant();
            return;
        }
        push();
        if (!guard.shouldTry()) {
            return;
        }
        List<SharedClickCounters.Batch> batches;
        try {
            batches = shared.sealAndListBatches();
        } catch (RuntimeException e) {
            guard.failed(e);
            return;
        }
        for (SharedClickCounters.Batch batch : batches) {
            if (store.apply(batch.id(), batch.counts())) {
                flushedClicks.increment(sum(batch.counts()));
            }
            try {
                shared.delete(batch);
            } catch (RuntimeException e) {
                guard.failed(e); // the batch id makes the retry harmless
                return;
            }
        }
        lastFlush = clock.instant();
    }

    void drainOnShutdown(@Observes ShutdownEvent stop) {
        pushTimer.shutdown();
        try {
            pushTimer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            drainEverything();
        }
    }

    private void drainEverything() {
        try {
            flush();
            if (shared != null && counter.buffered() > 0) {
                writeToDatabase(counter.drain()); // Redis unreachable: straight to the database
            }
            if (!pushesInDoubt.isEmpty()) {
                // Redis is still unreachable: writing them may count a push Redis had received twice, dropping
                // them would lose the ones it had not; at shutdown, a rare double count is the lesser harm.
                LOG.warnf("writing %d pushes of unknown outcome to the database on shutdown", pushesInDoubt.size());
                for (var push : pushesInDoubt.entrySet()) {
                    store.apply(push.getKey(), push.getValue());
                }
                pushesInDoubt.clear();
            }
        } catch (RuntimeException e) {
            LOG.errorf("could not write %d pending clicks and %d batches on shutdown: %s", counter.buffered(),
                    databaseWritesPending.size(), e.toString());
        }
    }

    /**
     * Memory → Redis; if Redis is known to be down, memory → database. A push whose outcome is unknown (the
     * connection broke mid-call) is kept under its id and retried to Redis only: it may already be counted there.
     */
    private synchronized void push() {
        retryPushesInDoubt();
        if (!databaseWritesPending.isEmpty()) {
            try {
                retryDatabaseWrites();
            } catch (RuntimeException e) {
                LOG.debugf("database still unavailable for %d pending click batches: %s", databaseWritesPending.size(), e.toString());
            }
        }
        Map<ClickKey, Long> batch = counter.drain();
        if (batch.isEmpty()) {
            return;
        }
        if (guard.shouldTry()) {
            String pushId = UUID.randomUUID().toString();
            try {
                shared.addOnce(pushId, batch);
                guard.succeeded();
            } catch (RuntimeException e) {
                guard.failed(e);
                pushesInDoubt.put(pushId, batch);
            }
            return;
        }
        writeToDatabase(batch);
    }

    private void retryPushesInDoubt() {
        for (var pending = pushesInDoubt.entrySet().iterator(); pending.hasNext() && guard.shouldTry(); ) {
            var push = pending.next();
            try {
                shared.addOnce(push.getKey(), push.getValue());
                guard.succeeded();
                pending.remove();
            } catch (RuntimeException e) {
                guard.failed(e);
                return;
            }
        }
    }

    /**
     * Memory → database under a fresh batch id. A write that fails stays pending under that id and is retried as
     * it is: when only the reply was lost (the server went away mid-commit), the id makes the retry a no-op.
     */
    private void writeToDatabase(Map<ClickKey, Long> batch) {
        if (!batch.isEmpty()) {
            databaseWritesPending.put(UUID.randomUUID().toString(), batch);
        }
        retryDatabaseWrites();
    }

    /** Writes the pending database batches in order; stops at, and throws, the first failure. */
    private void retryDatabaseWrites() {
        for (var pending = databaseWritesPending.entrySet().iterator(); pending.hasNext(); ) {
            var write = pending.next();
            if (store.apply(write.getKey(), write.getValue())) {
                flushedClicks.increment(sum(write.getValue()));
            }
            pending.remove();
            lastFlush = clock.instant();
        }
    }

    private double flushLagSeconds() {
        return Math.max(0, clock.millis() - lastFlush.toEpochMilli()) / 1000.0;
    }

    private static long sum(Map<ClickKey, Long> batch) {
        return batch.values().stream().mapToLong(Long::longValue).sum();
    }
}
