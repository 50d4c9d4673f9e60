package dev.linkstack.app.auth;

import io.smallrye.mutiny.Uni;

import java.time.Duration;

/** Failed sign-ins counted in fixed windows: in Redis, shared by all instances, or in memory for the embedded profile. */
public interface LoginFailureCounters {
    /** Current count and milliseconds left in its window (0 when there is no window). */
    Uni<long[]> read(String key);

    Uni<Void> increment(String key, Duration window);

    Uni<Void> clear(String key);
}
