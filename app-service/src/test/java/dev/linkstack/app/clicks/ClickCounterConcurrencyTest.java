package dev.linkstack.app.clicks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Clicks recorded while another thread keeps draining: every click ends up in exactly one drained batch, and every
 * place a link took in memory is given back.
 */
class ClickCounterConcurrencyTest {

    @Test
    void everyClickIsDrainedExactlyOnce() throws Exception {
        int threads = 3;
        int clicksPerThread = 300_000;
        int links = 7; // few links, so recording threads and the drainer meet on the same counters
        // Room for every link twice (counting here while its drained batch is not yet given back), and for each thread
        // creating a link's counter at the same moment as another.
        ClickCounter counter = new ClickCounter(new SimpleMeterRegistry(), 2 * links + threads);
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
        AtomicBoolean recording = new AtomicBoolean(true);
        Thread drainer = new Thread(() -> {
            while (recording.get()) {
                Map<ClickKey, Long> drained = counter.drain();
                addTo(drainedPerLink, drained);
                counter.release(drained.size()); // taken by a store
            }
        });
        drainer.start();
        start.countDown();
        for (Thread recorder : recorders) {
            recorder.join();
        }
        recording.set(false);
        drainer.join();
        Map<ClickKey, Long> rest = counter.drain();
        addTo(drainedPerLink, rest);
        counter.release(rest.size());

        for (int link = 0; link < links; link++) {
            long expected = (long) threads * (clicksPerThread / links + (link < clicksPerThread % links ? 1 : 0));
            assertEquals(expected, drainedPerLink[link], "clicks of link " + link);
        }
        assertEquals(0, counter.buffered());
        assertEquals(0, counter.dropped(), "no click dropped while there was room");
        assertEquals(0, counter.pendingLinks(), "every place given back");
    }

    private static void addTo(long[] totals, Map<ClickKey, Long> batch) {
        batch.forEach((key, n) -> totals[(int) key.linkId()] += n);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
