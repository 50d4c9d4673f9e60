package dev.linkstack.app.clicks;

import dev.linkstack.app.visits.ClassifiedVisit;
import dev.linkstack.app.visits.Visit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Clicks recorded while another thread keeps taking, classifying and pushing them: every click ends up in exactly one
 * push, and every place a link took in memory is given back.
 */
class ClickCounterConcurrencyTest {

    @Test
    void everyClickIsDrainedExactlyOnce() throws Exception {
        int threads = 3;
        int clicksPerThread = 300_000;
        int links = 7; // few links, so the classification and the push meet on the same counts
        // Room in every stripe for all the clicks: this test is about hand-over, not the bound.
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ClickCounter counter = new ClickCounter(registry, 16 * threads * clicksPerThread);
        // Room for every link twice: counted here while its drained push is not yet given back.
        PendingClicks pending = new PendingClicks(registry, 2 * links);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> recorders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread recorder = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < clicksPerThread; i++) {
                    counter.record(i % links);
                }
            });
            recorder.start();
            recorders.add(recorder);
        }
        long[] drainedPerLink = new long[links];
        AtomicLong inHand = new AtomicLong();
        AtomicBoolean recording = new AtomicBoolean(true);
        Thread drainer = new Thread(() -> {
            while (recording.get()) {
                classifyAndPush(counter, pending, inHand, drainedPerLink);
            }
        });
        drainer.start();
        start.countDown();
        for (Thread recorder : recorders) {
            recorder.join();
        }
        recording.set(false);
        drainer.join();
        classifyAndPush(counter, pending, inHand, drainedPerLink);

        for (int link = 0; link < links; link++) {
            long expected = (long) threads * (clicksPerThread / links + (link < clicksPerThread % links ? 1 : 0));
            assertEquals(expected, drainedPerLink[link], "clicks of link " + link);
        }
        assertEquals(0, counter.queued());
        assertEquals(0, pending.buffered());
        assertEquals(0, pending.dropped(), "no click dropped while there was room");
        assertEquals(0, pending.pendingLinks(), "every place given back");
        assertEquals(threads * (long) clicksPerThread, inHand.get(), "every visit taken once");
    }

    /** What the relay does each round, with every visit a person's: queue → pending counts → a push a store takes. */
    private static void classifyAndPush(ClickCounter counter, PendingClicks pending, AtomicLong inHand, long[] totals) {
        for (Visit visit : counter.take(inHand)) {
            pending.add(visit, new ClassifiedVisit(null, "direct", null, "other", "Other", "Other", null));
        }
        Map<ClickKey, VisitCounts> drained = pending.drain(new AtomicLong());
        addTo(totals, drained);
        pending.release(drained.size()); // taken by a store
    }

    private static void addTo(long[] totals, Map<ClickKey, VisitCounts> batch) {
        batch.forEach((key, n) -> totals[(int) key.linkId()] += n.clicks());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
