package dev.linkstack.app.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded profile's counters: a reservation is one step, however many threads reserve at once. */
class MemoryAttemptCountersTest {
    private static final Duration WINDOW = Duration.ofMinutes(15);

    @Test
    void concurrentReservationsAreEachCountedAndNeverPassTheLimit() throws Exception {
        MemoryAttemptCounters counters = new MemoryAttemptCounters();
        int threads = 64;
        int limit = 10;
        List<AttemptCounters.Limit> account = List.of(new AttemptCounters.Limit("account", limit), new AttemptCounters.Limit("address", 1000));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return counters.reserve(account, WINDOW).await().indefinitely();
                }));
            }
            start.countDown();
            int admitted = 0;
            for (Future<Long> answer : answers) {
                long retryAfter = answer.get();
                admitted += retryAfter == 0 ? 1 : 0;
                assertTrue(retryAfter == 0 || retryAfter > WINDOW.toMillis() - 60_000, "refusal names the window's end: " + retryAfter);
            }
            assertEquals(limit, admitted);
            assertEquals(limit, counters.count("account"));
            assertEquals(limit, counters.count("address"), "a refused attempt counts on no key");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReleasedReservationIsGivenBackButNeverBelowZero() {
        MemoryAttemptCounters counters = new MemoryAttemptCounters();
        List<AttemptCounters.Limit> one = List.of(new AttemptCounters.Limit("k", 2));
        assertEquals(0L, counters.reserve(one, WINDOW).await().indefinitely());
        assertEquals(0L, counters.reserve(one, WINDOW).await().indefinitely());
        assertTrue(counters.reserve(one, WINDOW).await().indefinitely() > 0);
        counters.release("k").await().indefinitely();
        assertEquals(1, counters.count("k"));
        counters.release("k").await().indefinitely();
        counters.release("k").await().indefinitely();
        assertEquals(0, counters.count("k"));
        assertEquals(0L, counters.reserve(one, WINDOW).await().indefinitely());
    }
}
