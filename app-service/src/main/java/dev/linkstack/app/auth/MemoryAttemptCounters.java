package dev.linkstack.app.auth;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Attempts counted by a single instance (the embedded profile); one lock makes a reservation atomic. */
public class MemoryAttemptCounters implements AttemptCounters {
    private static final int SWEEP_ABOVE = 100_000;

    private record Window(long count, long endsAtNanos) {
        boolean over(long now) {
            return endsAtNanos - now <= 0;
        }
    }

    private final Map<String, Window> windows = new HashMap<>();

    @Override
    public synchronized Uni<Long> reserve(List<Limit> limits, Duration window) {
        long now = System.nanoTime();
        for (Limit limit : limits) {
            Window current = windows.get(limit.key());
            if (current != null && !current.over(now) && current.count() >= limit.max()) {
                return Uni.createFrom().item(Math.max(1, (current.endsAtNanos() - now) / 1_000_000));
            }
        }
        for (Limit limit : limits) {
            windows.compute(limit.key(), (k, w) -> w == null || w.over(now)
                    ? new Window(1, now + window.toNanos()) : new Window(w.count() + 1, w.endsAtNanos()));
        }
        if (windows.size() > SWEEP_ABOVE) {
            windows.values().removeIf(w -> w.over(now));
        }
        return Uni.createFrom().item(0L);
    }

    @Override
    public synchronized Uni<Void> release(String key) {
        windows.computeIfPresent(key, (k, w) -> w.count() > 1 ? new Window(w.count() - 1, w.endsAtNanos()) : null);
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<Void> clear(String key) {
        windows.remove(key);
        return Uni.createFrom().voidItem();
    }

    /** The count in the key's current window (0 when there is none), for tests. */
    synchronized long count(String key) {
        Window window = windows.get(key);
        return window == null || window.over(System.nanoTime()) ? 0 : window.count();
    }
}
