package dev.linkstack.app.clicks;

import dev.linkstack.app.config.AppConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts redirects in memory: the hot path never waits for Redis or the database. {@link ClickRelay} moves
 * the counts on.
 * <p>
 * Lock-free, since every redirect passes here: a click is one compare-and-set on its key's counter. Draining
 * swaps each counter's value for {@link #DRAINED} and unlinks it; a click that finds a drained counter retries on
 * a fresh one. So a click is either in a drained batch or still here - never in both, never in neither.
 * <p>
 * Memory is bounded by links, not clicks: each link (per day) with clicks waiting takes one of
 * {@code app.clicks.max-pending-links} places, here or, after a drain, in the push until a store takes it
 * ({@link #release}). A click of a link that finds no place is dropped and counted as dropped; its redirect is
 * answered all the same.
 */
@ApplicationScoped
@Startup // its metrics exist from the start, not from the first click
public class ClickCounter {
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** The value of a counter that has been drained and must no longer be counted on. */
    private static final long DRAINED = Long.MIN_VALUE;
    private final ConcurrentHashMap<ClickKey, AtomicLong> counts = new ConcurrentHashMap<>();
    /** Places taken: links with clicks waiting here or in pushes not yet taken by a store. */
    private final AtomicInteger pendingLinks = new AtomicInteger();
    private final int maxPendingLinks;
    private final Counter dropped;
    private volatile boolean closed;

    @Inject
    ClickCounter(AppConfig config, MeterRegistry registry) {
        this(registry, config.clicks().maxPendingLinks());
    }

    ClickCounter(MeterRegistry registry, int maxPendingLinks) {
        this.maxPendingLinks = maxPendingLinks;
        Gauge.builder("linkstack.clicks.buffered", this, ClickCounter::buffered)
                .description("Clicks counted in this instance and not yet handed on").register(registry);
        Gauge.builder("linkstack.clicks.pending.links", pendingLinks, AtomicInteger::get)
                .description("Links with clicks waiting in this instance's memory (bounded by app.clicks.max-pending-links)").register(registry);
        this.dropped = Counter.builder("linkstack.clicks.dropped")
                .description("Clicks not counted because too many links had clicks waiting in memory").register(registry);
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
                if (!takePlace()) {
                    dropped.increment();
                    return true; // answered, not counted
                }
                AtomicLong fresh = new AtomicLong();
                count = counts.putIfAbsent(key, fresh);
                if (count == null) {
                    count = fresh;
                } else {
                    release(1); // another click created it first
                }
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

    /**
     * Takes every buffered count out of the counter. The links drained keep their places until the caller
     * {@link #release}s them, once a store has taken them.
     */
    public Map<ClickKey, Long> drain() {
        Map<ClickKey, Long> drained = new HashMap<>();
        int placesFreed = 0;
        for (Map.Entry<ClickKey, AtomicLong> entry : counts.entrySet()) {
            long n = entry.getValue().getAndSet(DRAINED);
            counts.remove(entry.getKey(), entry.getValue());
            if (n > 0 && drained.putIfAbsent(entry.getKey(), n) == null) {
                continue; // its place moves with it
            }
            if (n > 0) {
                drained.merge(entry.getKey(), n, Long::sum);
            }
            placesFreed++; // empty, or a second counter of a link already drained
        }
        release(placesFreed);
        return drained;
    }

    /** Gives back the places of links whose clicks a store has taken. */
    public void release(int links) {
        if (links > 0) {
            pendingLinks.addAndGet(-links);
        }
    }

    private boolean takePlace() {
        while (true) {
            int taken = pendingLinks.get();
            if (taken >= maxPendingLinks) {
                return false;
            }
            if (pendingLinks.compareAndSet(taken, taken + 1)) {
                return true;
            }
        }
    }

    public int pendingLinks() {
        return pendingLinks.get();
    }

    public long dropped() {
        return (long) dropped.count();
    }

    public long buffered() {
        long total = 0;
        for (AtomicLong count : counts.values()) {
            total += Math.max(0, count.get());
        }
        return total;
    }
}
