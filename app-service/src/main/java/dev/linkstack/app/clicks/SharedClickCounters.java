package dev.linkstack.app.clicks;

import java.util.List;
import java.util.Map;

/**
 * Click counts shared by all instances between a push and a flush (Redis), kept apart per push id; {@link #NONE}
 * with the memory backend, where clicks go from memory straight to the database. A failing command throws.
 */
public interface SharedClickCounters {

    /** False where there is nothing shared (the memory backend). */
    boolean inUse();

    /** False for a moment after a failure: not worth trying now. */
    boolean reachable();

    /** Adds a push; a retry of a push still pending changes nothing. */
    void add(String pushId, Map<ClickKey, VisitCounts> counts);

    /** Seals the pending pushes into a new batch and returns the ids of every batch waiting to be written. */
    List<String> sealAndListBatches();

    /** The pushes of a batch, by push id, each decoded only when a store merges it. */
    Map<String, Push> read(String batchId);

    void delete(String batchId);

    SharedClickCounters NONE = new SharedClickCounters() {
        @Override
        public boolean inUse() {
            return false;
        }

        @Override
        public boolean reachable() {
            return false;
        }

        @Override
        public void add(String pushId, Map<ClickKey, VisitCounts> counts) {
            throw new UnsupportedOperationException("no shared click counters");
        }

        @Override
        public List<String> sealAndListBatches() {
            return List.of();
        }

        @Override
        public Map<String, Push> read(String batchId) {
            return Map.of();
        }

        @Override
        public void delete(String batchId) {
        }
    };
}
