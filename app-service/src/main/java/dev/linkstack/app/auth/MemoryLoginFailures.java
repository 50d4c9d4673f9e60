package dev.linkstack.app.auth;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Sign-in failures of a single instance (the embedded profile). */
public class MemoryLoginFailures implements LoginFailureCounters {
    private record Window(long count, long endsAtNanos) {
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    @Override
    public Uni<long[]> read(String key) {
        Window window = windows.get(key);
        long left = window == null ? 0 : window.endsAtNanos() - System.nanoTime();
        return Uni.createFrom().item(left <= 0 ? new long[]{0, 0} : new long[]{window.count(), left / 1_000_000});
    }

    @Override
    public Uni<Void> increment(String key, Duration window) {
        long now = System.nanoTime();
        windows.compute(key, (k, w) -> w == null || w.endsAtNanos() - now <= 0
                ? new Window(1, now + window.toNanos()) : new Window(w.count() + 1, w.endsAtNanos()));
        if (windows.size() > 100_000) {
            windows.values().removeIf(w -> w.endsAtNanos() - now <= 0);
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> clear(String key) {
        windows.remove(key);
        return Uni.createFrom().voidItem();
    }
}
