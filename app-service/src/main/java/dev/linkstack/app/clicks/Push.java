package dev.linkstack.app.clicks;

import java.util.HashMap;
import java.util.Map;

/**
 * One push's counts as a store takes them: merged into the store's batch only once its id is claimed, and, when read
 * from Redis, decoded only then, one push at a time, so a flush never holds a whole batch of pushes decoded.
 */
@FunctionalInterface
public interface Push {

    /** Adds this push's counts to the batch, per link and day; once per push (one read from Redis lets go of its bytes then). */
    void mergeInto(Map<ClickKey, VisitCounts> batch);

    /** A push already in memory: its counts are merged, never shared with the batch. */
    static Push of(Map<ClickKey, VisitCounts> counts) {
        return batch -> counts.forEach((key, link) -> batch.computeIfAbsent(key, k -> new VisitCounts()).merge(link));
    }

    /** The push's counts on their own (for whoever wants to look at one push). */
    default Map<ClickKey, VisitCounts> counts() {
        Map<ClickKey, VisitCounts> counts = new HashMap<>();
        mergeInto(counts);
        return counts;
    }
}
