package dev.linkstack.app.clicks;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.visits.Visit;
import dev.linkstack.app.visits.VisitClassifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves clicks from memory to their durable home. First the visits the redirect queued are classified, off the event
 * loop (a bot's or a person's; referrer, country, device, visitor): several times a second on a thread of their own,
 * and at the start of every push, so that a push carries every visit answered before it. Then, with Redis,
 * memory → Redis every push interval and Redis → database every flush interval; without Redis (dev), memory →
 * database. A push carries counts, never a visit's address or user agent. Each push gets an id when it leaves memory and keeps
 * it wherever it goes: to Redis, or, when Redis is down or its reply was lost, straight to the database. The database
 * applies each push id once ({@link ClickStore}), so a push that may have reached Redis can safely be written there
 * too. On graceful shutdown everything pending is written. (Pushes and flushes: one relay, two legs.)
 */
@ApplicationScoped
@Startup // its metrics exist from the start, not from the first click
public class ClickRelay {
    private static final Logger LOG = Logger.getLogger(ClickRelay.class);
    /** How often queued visits are classified: a tenth of a second of redirects is a few thousand visits at most. */
    private static final Duration CLASSIFY_INTERVAL = Duration.ofMillis(100);

    private final ClickCounter counter;
    private final PendingClicks pending;
    private final VisitClassifier classifier;
    private final ClickStore store;
    private final SharedClickCounters shared;
    private final Clock clock;
    private final Counter flushedClicks;
    private final Duration pushInterval;
    private final ScheduledExecutorService pushTimer = timer("click-push");
    /** Classification has its own thread: a push waiting for a store must not leave visits piling up in the queue. */
    private final ScheduledExecutorService classifyTimer = timer("visit-classify");
    /** Pushes neither Redis nor the database has acknowledged yet, by push id, oldest first; guarded by this. */
    private final Map<String, Map<ClickKey, VisitCounts>> unsent = new LinkedHashMap<>();
    /** The visits in {@link #unsent}, readable without its lock (a metrics scrape must not wait for a database call). */
    private final AtomicLong unsentClicks = new AtomicLong();
    /** Visits taken from the queue and not yet added to the pending counts. */
    private final AtomicLong classifying = new AtomicLong();
    /** Serialises flushes apart from pushes: a slow database write must not delay pushes, which bound what a crash loses. */
    private final Object flushing = new Object();
    private volatile Instant lastFlush;

    @Inject
    ClickRelay(AppConfig config, ClickCounter counter, PendingClicks pending, VisitClassifier classifier, ClickStore store,
               SharedClickCounters shared, Clock clock, MeterRegistry registry) {
        this(counter, pending, classifier, store, shared, clock, config.clicks().pushInterval(), registry);
    }

    ClickRelay(ClickCounter counter, PendingClicks pending, VisitClassifier classifier, ClickStore store, SharedClickCounters shared,
               Clock clock, Duration pushInterval, MeterRegistry registry) {
        this.counter = counter;
        this.pending = pending;
        this.classifier = classifier;
        this.store = store;
        this.shared = shared;
        this.clock = clock;
        this.pushInterval = pushInterval;
        this.lastFlush = clock.instant();
        this.flushedClicks = Counter.builder("linkstack.clicks.flushed").description("Clicks written to the database").register(registry);
        Gauge.builder("linkstack.clicks.pending", this, ClickRelay::inMemory)
                .description("Visits in this instance's memory: queued, classified, or pushed and not yet taken by Redis or the database").register(registry);
        Gauge.builder("linkstack.clicks.flush.lag", this, f -> f.flushLagSeconds()).baseUnit("seconds")
                .description("Seconds since clicks were last written to the database").register(registry);
    }

    private static ScheduledExecutorService timer(String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The scheduler's finest interval is one second; pushes run on their own timer to lose less on a crash. */
    void startPushing(@Observes StartupEvent start) {
        long classifyEvery = CLASSIFY_INTERVAL.toMillis();
        classifyTimer.scheduleWithFixedDelay(this::scheduledClassification, classifyEvery, classifyEvery, TimeUnit.MILLISECONDS);
        if (shared.inUse()) {
            long interval = Math.max(10, pushInterval.toMillis());
            pushTimer.scheduleWithFixedDelay(this::scheduledPush, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    void scheduledClassification() {
        try {
            classifyQueued();
        } catch (RuntimeException e) {
            LOG.warnf("visit classification failed, will retry: %s", e.toString());
        }
    }

    /**
     * Queue → pending counts. Never waits for a store; a visit that cannot be classified (a parser's surprise) still
     * counts as a person's click, without breakdown values, rather than not at all.
     */
    public void classifyQueued() {
        // One classification at a time: a push (or a flush) must not leave while visits it should carry are still
        // being classified by the other thread.
        synchronized (classifying) {
            List<Visit> visits = counter.take(classifying);
            if (pending.placesLeft() < visits.size()) {
                visits.sort(Visit.ANSWERED_ORDER); // places in memory go first come, first served, should they run out
            }
            for (Visit visit : visits) {
                pending.add(visit, classifier.classifyOrPlain(visit));
                classifying.decrementAndGet();
            }
        }
    }

    private long inMemory() {
        return counter.queued() + classifying.get() + pending.buffered() + unsentClicks.get();
    }

    void scheduledPush() {
        try {
            push();
        } catch (RuntimeException e) {
            LOG.warnf("clicks kept in memory, will retry: %s", e.toString());
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
    public void flush() {
        push();
        if (!shared.inUse()) {
            lastFlush = clock.instant();
            return;
        }
        // A failing Redis command ends the round (the shared counters record the outage); the next round retries.
        synchronized (flushing) {
            if (!shared.reachable()) {
                return;
            }
            List<String> batchIds;
            try {
                batchIds = shared.sealAndListBatches();
            } catch (RuntimeException e) {
                return;
            }
            for (String batchId : batchIds) {
                Map<String, Push> pushes;
                try {
                    pushes = shared.read(batchId);
                } catch (RuntimeException e) {
                    return;
                }
                flushedClicks.increment(store.apply(pushes)); // a database failure ends the round; the batch stays
                try {
                    shared.delete(batchId);
                } catch (RuntimeException e) {
                    return; // the push ids make the retry harmless
                }
            }
            lastFlush = clock.instant();
        }
    }

    void drainOnShutdown(@Observes ShutdownEvent stop) {
        classifyTimer.shutdown();
        pushTimer.shutdown();
        try {
            classifyTimer.awaitTermination(10, TimeUnit.SECONDS);
            pushTimer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.errorf("could not write %d pending visits on shutdown: %s", inMemory(), e.toString());
        }
    }

    /**
     * Memory → Redis, or memory → database when Redis is down. A push Redis did not acknowledge goes to the database
     * under the same id: if Redis got it after all, the database skips it when that copy is flushed, and the other
     * way round. A push the database did not take either stays for the next round, and until it is taken nothing more
     * is drained: new visits add up in the pending counts, a few numbers per link, rather than in one more push per round.
     */
    private synchronized void push() {
        sendUnsent(); // throws while no store takes the oldest push
        classifyQueued();
        Map<ClickKey, VisitCounts> drained = pending.drain(unsentClicks);
        if (!drained.isEmpty()) {
            unsent.put(UUID.randomUUID().toString(), drained);
            sendUnsent();
        }
    }

    private void sendUnsent() {
        for (var waiting = unsent.entrySet().iterator(); waiting.hasNext(); ) {
            var push = waiting.next();
            if (!sentToRedis(push.getKey(), push.getValue())) {
                flushedClicks.increment(store.apply(Map.of(push.getKey(), Push.of(push.getValue()))));
                lastFlush = clock.instant();
            }
            waiting.remove();
            unsentClicks.addAndGet(-VisitCounts.visitsOf(push.getValue()));
            pending.release(push.getValue().size());
        }
    }

    private boolean sentToRedis(String pushId, Map<ClickKey, VisitCounts> counts) {
        if (shared.inUse() && shared.reachable()) {
            try {
                shared.add(pushId, counts);
                return true;
            } catch (RuntimeException e) {
                // not acknowledged: to the database under the same id
            }
        }
        return false;
    }

    private double flushLagSeconds() {
        return Math.max(0, clock.millis() - lastFlush.toEpochMilli()) / 1000.0;
    }
}
