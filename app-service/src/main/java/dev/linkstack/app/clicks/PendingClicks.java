package dev.linkstack.app.clicks;

import dev.linkstack.app.visits.ClassifiedVisit;
import dev.linkstack.app.visits.Visit;
import dev.linkstack.app.config.AppConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Classified visits waiting for the next push, summed per link and UTC day: memory grows with links, not with visits.
 * Each link (per day) with visits waiting takes one of {@code app.clicks.max-pending-links} places, here or, after a
 * drain, in the push until a store takes it ({@link #release}). A visit of a link that finds no place is dropped and
 * counted as dropped. Only the classification and the push meet here, never the event loop: one lock is enough.
 */
@Singleton // no client proxy: called for every visit classified
public class PendingClicks {
    private static final long MILLIS_PER_DAY = 86_400_000L;
    private Map<ClickKey, VisitCounts> counts = new HashMap<>();
    /** Places taken: links with visits waiting here or in pushes not yet taken by a store; guarded by this. */
    private int pendingLinks;
    private long buffered;
    private final int maxPendingLinks;
    private final Counter dropped;

    @Inject
    PendingClicks(AppConfig config, MeterRegistry registry) {
        this(registry, config.clicks().maxPendingLinks());
    }

    PendingClicks(MeterRegistry registry, int maxPendingLinks) {
        this.maxPendingLinks = maxPendingLinks;
        Gauge.builder("linkstack.clicks.buffered", this, PendingClicks::buffered)
                .description("Visits classified in this instance and not yet handed on").register(registry);
        Gauge.builder("linkstack.clicks.pending.links", this, PendingClicks::pendingLinks)
                .description("Links with clicks waiting in this instance's memory (bounded by app.clicks.max-pending-links)").register(registry);
        this.dropped = droppedCounter(registry);
    }

    /** One counter for every drop, whether the queue was full or no place was left (Micrometer returns the same meter). */
    static Counter droppedCounter(MeterRegistry registry) {
        return Counter.builder("linkstack.clicks.dropped")
                .description("Visits not counted because too many were waiting in memory").register(registry);
    }

    public synchronized void add(Visit visit, ClassifiedVisit classified) {
        ClickKey key = new ClickKey(visit.linkId(), Math.floorDiv(visit.epochMillis(), MILLIS_PER_DAY));
        VisitCounts link = counts.get(key);
        if (link == null) {
            if (pendingLinks >= maxPendingLinks) {
                dropped.increment();
                return;
            }
            pendingLinks++;
            link = new VisitCounts();
            counts.put(key, link);
        }
        link.add(classified);
        buffered++;
    }

    /**
     * Takes every waiting count. The links drained keep their places until the caller {@link #release}s them, once a
     * store has taken them. Their number is added to {@code handedOn} under the lock: a visit is always either
     * here or there for whoever reads this count and then that one.
     */
    public synchronized Map<ClickKey, VisitCounts> drain(AtomicLong handedOn) {
        Map<ClickKey, VisitCounts> drained = counts;
        counts = new HashMap<>();
        handedOn.addAndGet(buffered);
        buffered = 0;
        return drained;
    }

    /** Gives back the places of links whose visits a store has taken. */
    public synchronized void release(int links) {
        if (links > 0) {
            pendingLinks -= links;
        }
    }

    /** Places still free: each visit takes at most one. */
    public synchronized int placesLeft() {
        return maxPendingLinks - pendingLinks;
    }

    public synchronized int pendingLinks() {
        return pendingLinks;
    }

    public long dropped() {
        return (long) dropped.count();
    }

    public synchronized long buffered() {
        return buffered;
    }
}
