package dev.linkstack.app.clicks;

import dev.linkstack.app.visits.Visit;
import dev.linkstack.app.config.AppConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.net.SocketAddress;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes the visits the redirect answers, in memory: the hot path never waits for Redis or the database, and never
 * parses a user agent or looks up a country. It keeps what the classification needs (link, time, user agent,
 * referrer, the connection's peer and its forwarded-for header, unparsed) in a queue that {@link ClickRelay} empties several times a second, off the event loop.
 * <p>
 * The queue is striped by thread so that event-loop threads rarely meet on a lock: a visit is one uncontended lock
 * and an append. Taking the visits swaps each stripe's list for an empty one under the same lock, so a visit is
 * either taken or still queued - never both, never neither. The queue is bounded ({@code app.clicks.max-queued-visits});
 * it only fills if the classification stops, and a visit that finds it full is dropped and counted as dropped; its
 * redirect is answered all the same.
 */
@Singleton // no client proxy: called for every redirect
@Startup // its metrics exist from the start, not from the first click
public class ClickCounter {
    private static final int STRIPES = 16; // a power of two, more than the event-loop threads of a small machine
    private final Stripe[] stripes = new Stripe[STRIPES];
    private final int capacityPerStripe;
    private final Counter dropped;
    private volatile boolean closed;

    private static final class Stripe {
        List<Visit> visits = new ArrayList<>();
    }

    @Inject
    ClickCounter(AppConfig config, MeterRegistry registry) {
        this(registry, config.clicks().maxQueuedVisits());
    }

    ClickCounter(MeterRegistry registry, int maxQueuedVisits) {
        this.capacityPerStripe = Math.max(1, maxQueuedVisits / STRIPES);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
        Gauge.builder("linkstack.clicks.queued", this, ClickCounter::queued)
                .description("Visits answered by this instance and not yet classified").register(registry);
        this.dropped = PendingClicks.droppedCounter(registry);
    }

    /**
     * Takes a visit, unless the instance is stopping: then it returns false and the caller answers 503, which Nginx
     * retries on another instance. A visit taken here is answered before the server closes its connections (the
     * graceful shutdown waits for requests in flight), so Nginx never retries a redirect counted here.
     */
    public boolean record(long linkId, String userAgent, String referrer, SocketAddress peer, String forwardedFor) {
        if (closed) {
            return false;
        }
        Visit visit = new Visit(linkId, System.currentTimeMillis(), System.nanoTime(), userAgent, referrer, peer, forwardedFor);
        Stripe stripe = stripes[(int) Thread.currentThread().getId() & (STRIPES - 1)];
        synchronized (stripe) {
            if (stripe.visits.size() < capacityPerStripe) {
                stripe.visits.add(visit);
                return true;
            }
        }
        dropped.increment();
        return true; // answered, not counted
    }

    /** A click without its request (tests and tools): counted as a person's visit with no breakdown values. */
    public boolean record(long linkId) {
        return record(linkId, null, null, null, null);
    }

    /** The first step of a graceful shutdown (quarkus.shutdown.delay-enabled), before requests in flight are awaited. */
    void close(@Observes ShutdownDelayInitiatedEvent stopping) {
        closed = true;
    }

    /**
     * Takes every queued visit out of the queue, and adds their number to {@code inHand} while each stripe is locked:
     * a visit is always either queued or in hand for whoever sums the two. In each stripe's order, not overall
     * ({@link Visit#ANSWERED_ORDER} sorts them).
     */
    public List<Visit> take(AtomicLong inHand) {
        List<Visit> taken = new ArrayList<>();
        for (Stripe stripe : stripes) {
            List<Visit> visits;
            synchronized (stripe) {
                if (stripe.visits.isEmpty()) {
                    continue;
                }
                visits = stripe.visits;
                inHand.addAndGet(visits.size());
                stripe.visits = new ArrayList<>(Math.min(visits.size(), capacityPerStripe));
            }
            taken.addAll(visits);
        }
        return taken;
    }

    public long queued() {
        long total = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                total += stripe.visits.size();
            }
        }
        return total;
    }
}
