package dev.linkstack.app.clicks;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.redis.RedisGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
    private volatile Instant lastFlush;

    ClickFlusher(AppConfig config, ClickCounter counter, ClickStore store, Instance<RedisDataSource> redis, RedisGuard guard,
                 Clock clock, MeterRegistry registry) {
        this.counter = counter;
        this.store = store;
        this.shared = config.backend() == AppConfig.Backend.REDIS ? new SharedClickCounters(redis.get()) : null;
        this.guard = guard;
        this.clock = clock;
        this.lastFlush = clock.instant();
        this.flushedClicks = Counter.builder("linkstack.clicks.flushed").description("Clicks written to the database").register(registry);
        Gauge.builder("linkstack.clicks.flush.lag", this, f -> f.flushLagSeconds()).baseUnit("seconds")
                .description("Seconds since clicks were last written to the database").register(registry);
    }

    @Scheduled(every = "${app.clicks.push-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
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
            applyOrRestore(batch);
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
        try {
            flush();
            if (shared != null && counter.buffered() > 0) {
                applyOrRestore(counter.drain()); // Redis unreachable: straight to the database
            }
        } catch (RuntimeException e) {
            LOG.errorf("could not write %d pending clicks on shutdown: %s", counter.buffered(), e.toString());
        }
    }

    /** Memory → Redis; if Redis is unusable, memory → database. */
    private synchronized void push() {
        Map<ClickKey, Long> batch = counter.drain();
        if (batch.isEmpty()) {
            return;
        }
        if (guard.shouldTry()) {
            try {
                shared.add(batch);
                guard.succeeded();
                return;
            } catch (RuntimeException e) {
                guard.failed(e);
            }
        }
        applyOrRestore(batch);
    }

    private void applyOrRestore(Map<ClickKey, Long> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.apply(UUID.randomUUID().toString(), batch);
            flushedClicks.increment(sum(batch));
            lastFlush = clock.instant();
        } catch (RuntimeException e) {
            counter.restore(batch);
            throw e;
        }
    }

    private double flushLagSeconds() {
        return Math.max(0, clock.millis() - lastFlush.toEpochMilli()) / 1000.0;
    }

    private static long sum(Map<ClickKey, Long> batch) {
        return batch.values().stream().mapToLong(Long::longValue).sum();
    }
}
