package dev.linkstack.app.clicks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The push/flush state machine of {@link ClickRelay}, with the shared counters and the database played in memory. */
class ClickRelayTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final ClickCounter counter = new ClickCounter(registry, 1000);
    private final Database database = new Database(clock);
    private final Shared shared = new Shared();

    @Test
    void withoutSharedCountersClicksGoFromMemoryStraightToTheDatabase() {
        ClickRelay relay = relay(SharedClickCounters.NONE);
        counter.record(1);
        counter.record(1);
        relay.flush();
        assertEquals(1, database.applied.size());
        assertEquals(2, database.total(1));
    }

    @Test
    void aPushGoesToTheSharedCountersAndAFlushMovesItToTheDatabase() {
        ClickRelay relay = relay(shared);
        counter.record(7);
        relay.scheduledPush();
        assertEquals(1, shared.pending.size(), "pushed to the shared counters");
        assertTrue(database.applied.isEmpty(), "not yet in the database");

        relay.flush();
        assertTrue(shared.pending.isEmpty() && shared.batches.isEmpty(), "sealed, written and deleted");
        assertEquals(1, database.total(7));
    }

    @Test
    void aPushTheSharedCountersRefuseGoesToTheDatabaseUnderTheSameId() {
        ClickRelay relay = relay(shared);
        counter.record(3);
        shared.failNextAdd = true;
        relay.scheduledPush();
        assertEquals(1, database.applied.size());
        assertEquals(shared.triedIds.get(0), database.applied.get(0).keySet().iterator().next(),
                "the same push id, so a copy that reached Redis after all is counted once");
    }

    @Test
    void whileTheSharedCountersAreUnreachableClicksGoToTheDatabaseAndNoFlushIsTried() {
        ClickRelay relay = relay(shared);
        shared.reachable = false;
        counter.record(5);
        relay.flush();
        assertTrue(shared.triedIds.isEmpty(), "not even tried");
        assertEquals(0, shared.seals, "no seal while unreachable");
        assertEquals(1, database.total(5));
    }

    @Test
    void aPushNobodyTookIsKeptAndRetriedWithItsId() {
        ClickRelay relay = relay(shared);
        shared.reachable = false;
        database.down = true;
        counter.record(9);
        assertThrows(RuntimeException.class, relay::flush);
        assertTrue(database.applied.isEmpty());

        database.down = false;
        counter.record(9);
        relay.flush();
        assertEquals(2, database.applied.size(), "the kept push first, then the new one");
        assertEquals(2, database.total(9));
    }

    @Test
    void aBatchTheDatabaseRefusesStaysForTheNextFlush() {
        ClickRelay relay = relay(shared);
        counter.record(4);
        relay.scheduledPush();
        database.down = true;
        assertThrows(RuntimeException.class, relay::flush);
        assertEquals(1, shared.batches.size(), "the batch is not deleted");

        database.down = false;
        relay.flush();
        assertTrue(shared.batches.isEmpty());
        assertEquals(1, database.total(4));
    }

    private ClickRelay relay(SharedClickCounters counters) {
        return new ClickRelay(counter, database, counters, clock, Duration.ofHours(1), registry);
    }

    /** The database's side: applies pushes by id, once each. */
    static final class Database extends ClickStore {
        final List<Map<String, Map<ClickKey, Long>>> applied = new ArrayList<>();
        boolean down;

        Database(Clock clock) {
            super(clock);
        }

        @Override
        public long apply(Map<String, Map<ClickKey, Long>> pushes) {
            if (down) {
                throw new IllegalStateException("database down");
            }
            applied.add(pushes);
            return pushes.values().stream().mapToLong(ClickStore::sum).sum();
        }

        long total(long linkId) {
            return applied.stream().flatMap(p -> p.values().stream()).flatMap(c -> c.entrySet().stream())
                    .filter(e -> e.getKey().linkId() == linkId).mapToLong(Map.Entry::getValue).sum();
        }
    }

    /** Redis's side: a pending hash sealed into batches. */
    static final class Shared implements SharedClickCounters {
        final Map<String, Map<ClickKey, Long>> pending = new LinkedHashMap<>();
        final Map<String, Map<String, Map<ClickKey, Long>>> batches = new LinkedHashMap<>();
        final List<String> triedIds = new ArrayList<>();
        boolean reachable = true;
        boolean failNextAdd;
        int seals;

        @Override
        public boolean inUse() {
            return true;
        }

        @Override
        public boolean reachable() {
            return reachable;
        }

        @Override
        public void add(String pushId, Map<ClickKey, Long> counts) {
            triedIds.add(pushId);
            if (failNextAdd) {
                failNextAdd = false;
                throw new IllegalStateException("reply lost");
            }
            pending.putIfAbsent(pushId, counts);
        }

        @Override
        public List<String> sealAndListBatches() {
            seals++;
            if (!pending.isEmpty()) {
                batches.put("batch-" + seals, new LinkedHashMap<>(pending));
                pending.clear();
            }
            return List.copyOf(batches.keySet());
        }

        @Override
        public Map<String, Map<ClickKey, Long>> read(String batchId) {
            return batches.get(batchId);
        }

        @Override
        public void delete(String batchId) {
            batches.remove(batchId);
        }
    }
}
