package dev.linkstack.app.clicks;

import dev.linkstack.app.visits.ClientAddresses;
import dev.linkstack.app.visits.Dimension;
import dev.linkstack.app.visits.UserAgents;
import dev.linkstack.app.visits.VisitClassifier;
import io.vertx.core.net.SocketAddress;
import dev.linkstack.app.visits.VisitorSalts;

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
    private final PendingClicks pending = new PendingClicks(registry, 1000);
    private final VisitClassifier classifier = new VisitClassifier(new UserAgents(100), null, new VisitorSalts.InMemory(), ClientAddresses.peerOnly());
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

    @Test
    void botsAreCountedApartAndPeoplesClicksCarryTheirBreakdowns() {
        ClickRelay relay = relay(SharedClickCounters.NONE);
        counter.record(2, "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", null, SocketAddress.inetSocketAddress(4711, "203.0.113.9"), null);
        counter.record(2, "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", null, SocketAddress.inetSocketAddress(4711, "203.0.113.9"), null);
        counter.record(2, CHROME_ON_WINDOWS, "https://www.news.example.com/article?id=7", SocketAddress.inetSocketAddress(4711, "198.51.100.1"), null);
        counter.record(2, IPHONE_SAFARI, null, SocketAddress.inetSocketAddress(4711, "198.51.100.2"), null);
        relay.flush();
        VisitCounts link = database.applied.get(0).values().iterator().next().values().iterator().next();
        assertEquals(2, link.clicks(), "two people");
        assertEquals(Map.of("Slackbot-LinkExpanding", 1L, "FacebookBot", 1L), link.of(Dimension.BOT));
        assertEquals(Map.of("news.example.com", 1L, "direct", 1L), link.of(Dimension.REFERRER));
        assertEquals(Map.of("desktop", 1L, "phone", 1L), link.of(Dimension.DEVICE));
        assertEquals(Map.of("Chrome", 1L, "Mobile Safari", 1L), link.of(Dimension.BROWSER));
        assertEquals(Map.of("Windows", 1L, "iOS", 1L), link.of(Dimension.OS));
        assertTrue(link.of(Dimension.COUNTRY).isEmpty(), "no country database: no countries, not 'unknown'");
        assertEquals(2, link.visitors().estimate(), "two visitors");
        assertEquals(2, database.total(2), "bots are not clicks");
    }

    static final String CHROME_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    static final String IPHONE_SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    private ClickRelay relay(SharedClickCounters counters) {
        return new ClickRelay(counter, pending, classifier, database, counters, clock, Duration.ofHours(1), registry);
    }

    /** The database's side: applies pushes by id, once each. */
    static final class Database extends ClickStore {
        final List<Map<String, Map<ClickKey, VisitCounts>>> applied = new ArrayList<>();
        boolean down;

        Database(Clock clock) {
            super(clock);
        }

        @Override
        public long apply(Map<String, Push> pushes) {
            if (down) {
                throw new IllegalStateException("database down");
            }
            Map<String, Map<ClickKey, VisitCounts>> decoded = new LinkedHashMap<>();
            pushes.forEach((id, push) -> decoded.put(id, push.counts()));
            applied.add(decoded);
            return decoded.values().stream().mapToLong(VisitCounts::clicksOf).sum();
        }

        long total(long linkId) {
            return applied.stream().flatMap(p -> p.values().stream()).flatMap(c -> c.entrySet().stream())
                    .filter(e -> e.getKey().linkId() == linkId).mapToLong(e -> e.getValue().clicks()).sum();
        }
    }

    /** Redis's side: a pending hash sealed into batches. */
    static final class Shared implements SharedClickCounters {
        final Map<String, Map<ClickKey, VisitCounts>> pending = new LinkedHashMap<>();
        final Map<String, Map<String, Map<ClickKey, VisitCounts>>> batches = new LinkedHashMap<>();
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
        public void add(String pushId, Map<ClickKey, VisitCounts> counts) {
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
        public Map<String, Push> read(String batchId) {
            Map<String, Push> pushes = new LinkedHashMap<>();
            batches.get(batchId).forEach((id, counts) -> pushes.put(id, Push.of(counts)));
            return pushes;
        }

        @Override
        public void delete(String batchId) {
            batches.remove(batchId);
        }
    }
}
