package dev.linkstack.app.clicks;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts redirects in memory: the hot path never waits for Redis or the database. {@link ClickRelay} moves
 * the counts on.
 * <p>
 * Lock-free, since every redirect passes here: a click is one compare-and-set on its key's counter. Draining
 * swaps each counter's value for {@link #DRAINED} and unlinks it; a click that finds a drained counter retries on
 * a fresh one. So a click is either in a drained batch or still here - never in both, never in neither.
 */
@ApplicationScoped
@Startup // its metrics exist from the start, not from the first click
public class ClickCounter {
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** The value of a counter that has been drained and must no longer be counted on. */
    private static final long DRAINED = Long.MIN_VALUE;
    private final ConcurrentHashMap<ClickKey, AtomicLong> counts = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ClickCounter(MeterRegistry registry) {
        Gauge.builder("linkstack.clicks.buffered", this, ClickCounter::buffered)
                .description("Clicks counted in this instance and not yet handed on").register(registry);
    }

    /**
     * Counts a click, unless the instance is stopping: then it returns false and the caller answers 503, which Nginx
     * retries on another instance. A click counted here is answered before the server closes its connections (the
     * graceful shutdown waits for requests in flight), so Nginx never retries a redirect counted here.
     */
    public boolean record(long linkId) {
        if (closed) {
            return false;
        }
        ClickKey key = new ClickKey(linkId, System.currentTimeMillis() / MILLIS_PER_DAY);
        while (true) {
            AtomicLong count = counts.get(key);
            if (count == null) {
                count = counts.computeIfAbsent(key, k -> new AtomicLong());
            }
            long n = count.get();
            if (n == DRAINED) {
                counts.remove(key, count); // normally done by drain() already
            } else if (count.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** The first step of a graceful shutdown (quarkus.shutdown.delay-enabled), before requests in flight are awaited. */
    void close(@Observes ShutdownDelayInitiatedEvent stopping) {
        closed = true;
    }

    /** Takes every buffered count out of the counter. */
    public Map<ClickKey, Long> drain() {
        Map<ClickKey, Long> drained = new HashMap<>();
        for (Map.Entry<ClickKey, AtomicLong> entry : counts.entrySet()) {
            long n = entry.getValue().getAndSet(DRAINED);
            counts.remove(entry.getKey(), entry.getValue());
            if (n > 0) {
                drained.merge(entry.getKey(), n, Long::sum);
            }
        }
        return drained;
    }

    public long buffered() {
        long total = 0;
        for (AtomicLong count : counts.values()) {
            total += Math.max(0, count.get());
        }
        return total;
    }
}
