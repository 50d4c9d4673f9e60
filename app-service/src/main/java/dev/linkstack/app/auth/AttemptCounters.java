package dev.linkstack.app.auth;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.List;

/**
 * Attempts counted in fixed windows: in Redis, shared by all instances, or in memory for the embedded profile. An
 * attempt is reserved before the work it guards (a bcrypt check), atomically across keys and instances, so a wave of
 * concurrent attempts cannot all pass a check made before any of them is counted.
 */
public interface AttemptCounters {
    /** One key and the count it may reach in its window. */
    record Limit(String key, int max) {
    }

    /**
     * When every key is below its limit, counts one more attempt on each (a new key starts its window) and answers 0;
     * otherwise counts nothing and answers the milliseconds (at least 1) until the window of a full key ends.
     */
    Uni<Long> reserve(List<Limit> limits, Duration window);

    /** Takes back one reserved attempt (one that turned out not to be a failure); never below zero. */
    Uni<Void> release(String key);

    Uni<Void> clear(String key);
}
