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

/**
 * Counts redirects in memory: the hot path never waits for Redis or the database. {@link ClickFlusher} moves
 * the counts on. merge() and remove() are atomic per key, so a click is either in a drained batch or still
 * here - never in both, never in neither.
 */
@ApplicationScoped
@Startup // its metrics exist from the start, not from the first click
public class ClickCounter {
    private static final long MILLIS_PER_DAY = 86_400_000L;
    private final ConcurrentHashMap<ClickKey, Long> counts = new ConcurrentHashMap<>();
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
        counts.merge(new ClickKey(linkId, System.currentTimeMillis() / MILLIS_PER_DAY), 1L, Long::sum);
        return true;
    }

    /** The first step of a graceful shutdown (quarkus.shutdown.delay-enabled), before requests in flight are awaited. */
    void close(@Observes ShutdownDelayInitiatedEvent stopping) {
        closed = true;
    }

    /** Takes every buffered count out of the counter. */
    public Map<ClickKey, Long> drain() {
        Map<ClickKey, Long> drained = new HashMap<>();
        for (ClickKey key : counts.keySet()) {
            Long n = counts.remove(key);
            if (n != null) {
                drained.merge(key, n, Long::sum);
            }
        }
        return drained;
    }

    public long buffered() {
        long total = 0;
        for (long n : counts.values()) {
            total += n;
        }
        return total;
    }
}
