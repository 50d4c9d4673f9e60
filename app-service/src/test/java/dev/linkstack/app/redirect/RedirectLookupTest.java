package dev.linkstack.app.redirect;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.links.LinkChanged;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which of the three tiers answers, what each answer fills in, and when an entry is dropped or expires. */
class RedirectLookupTest {
    private static final Duration NEAR_TTL = Duration.ofSeconds(30);
    private static final Duration SHARED_TTL = Duration.ofMinutes(10);
    private static final Duration MISSING_TTL = Duration.ofSeconds(5);
    private static final CachedLink LINK = new CachedLink(1, "https://example.org/", 0);

    private final AtomicLong nanos = new AtomicLong();
    private final Shared shared = new Shared();
    private final Database database = new Database();
    private final RedirectLookup lookup = new RedirectLookup(settings(), shared, database, new SimpleMeterRegistry(), nanos::get);

    @Test
    void aLinkInTheNearTierIsAnsweredThereAlone() {
        database.rows.put("abc", LINK);
        assertSame(LINK, lookup.findBeyondNear("abc").await().indefinitely());
        assertSame(LINK, lookup.findNear("abc"));
        assertEquals(1, database.loads, "the database was asked once, for the first lookup");
    }

    @Test
    void aSharedHitFillsTheNearTierAndSparesTheDatabase() {
        shared.entries.put("abc", LINK);
        assertNull(lookup.findNear("abc"));
        assertSame(LINK, lookup.findBeyondNear("abc").await().indefinitely());
        assertSame(LINK, lookup.findNear("abc"));
        assertEquals(0, database.loads);
        assertTrue(shared.puts.isEmpty(), "nothing written back to where it came from");
    }

    @Test
    void aDatabaseAnswerFillsBothTiersTheMissingOnesBriefly() {
        database.rows.put("abc", LINK);
        lookup.findBeyondNear("abc").await().indefinitely();
        assertSame(CachedLink.MISSING, lookup.findBeyondNear("nope").await().indefinitely());
        assertEquals(List.of("abc " + SHARED_TTL, "nope " + MISSING_TTL), shared.puts);
        assertSame(CachedLink.MISSING, lookup.findNear("nope"));
    }

    @Test
    void aBlockedLinkIsKeptInBothTiersLikeALinkNotBrieflyLikeAMissingOne() {
        database.rows.put("bad", CachedLink.BLOCKED);
        assertSame(CachedLink.BLOCKED, lookup.findBeyondNear("bad").await().indefinitely());
        assertEquals(List.of("bad " + SHARED_TTL), shared.puts);
        nanos.addAndGet(MISSING_TTL.toNanos());
        assertSame(CachedLink.BLOCKED, lookup.findNear("bad"), "only an unblock changes it, and that drops it everywhere");
        lookup.forget(new LinkChanged("bad"));
        assertNull(lookup.findNear("bad"));
    }

    @Test
    void theSharedTierCarriesABlockInAFormOlderInstancesReadAsMissing() {
        assertSame(CachedLink.BLOCKED, CachedLink.decode(CachedLink.BLOCKED.encode()));
        assertSame(CachedLink.MISSING, CachedLink.decode(CachedLink.MISSING.encode()));
        assertEquals(LINK, CachedLink.decode(LINK.encode()));
        // The ordinary wire form with a negative id: the decoder before blocking existed read that as missing.
        assertEquals("-3|+0|", CachedLink.BLOCKED.encode());
        assertTrue(CachedLink.BLOCKED.missing() && CachedLink.BLOCKED.blocked() && !CachedLink.MISSING.blocked());
        assertThrows(IllegalArgumentException.class, () -> CachedLink.decode("-2|+0|"));
    }

    @Test
    void aLinkWithAPasswordTravelsAsBlockedForOlderInstancesAndTheirEntriesAreNotTrusted() {
        CachedLink locked = new CachedLink(7, "https://example.org/a|b", 1234, true);
        assertEquals(locked, CachedLink.decode(locked.encode()));
        assertEquals("-3|+1234|7|https://example.org/a|b", locked.encode(), "an older instance stops at the blocked id: 410");
        assertEquals("7|+1234|https://example.org/a|b", new CachedLink(7, "https://example.org/a|b", 1234).encode());
        // Written by a version that knew nothing of passwords: it may be a link with one, so it is looked up again.
        assertNull(CachedLink.decode("7|0|https://example.org/"));
        assertNull(CachedLink.decode("-3|0|"));
    }

    @Test
    void nearEntriesExpireAMissingCodeSooner() {
        database.rows.put("abc", LINK);
        lookup.findBeyondNear("abc").await().indefinitely();
        lookup.findBeyondNear("nope").await().indefinitely();
        nanos.addAndGet(MISSING_TTL.toNanos());
        assertNull(lookup.findNear("nope"), "an unknown code may be created any moment");
        assertSame(LINK, lookup.findNear("abc"));
        nanos.addAndGet(NEAR_TTL.toNanos());
        assertNull(lookup.findNear("abc"));
    }

    @Test
    void aChangedLinkIsDroppedHereAndInTheSharedTier() {
        database.rows.put("abc", LINK);
        lookup.findBeyondNear("abc").await().indefinitely();
        lookup.forget(new LinkChanged("abc"));
        assertNull(lookup.findNear("abc"));
        assertEquals(List.of("abc"), shared.invalidated);
    }

    @Test
    void theSharedTierCanEmptyTheNearOne() {
        database.rows.put("abc", LINK);
        database.rows.put("def", LINK);
        lookup.findBeyondNear("abc").await().indefinitely();
        lookup.findBeyondNear("def").await().indefinitely();
        lookup.drop("abc"); // an invalidation broadcast by another instance
        assertNull(lookup.findNear("abc"));
        assertSame(LINK, lookup.findNear("def"));
        lookup.dropAll(); // resubscribed or back from an outage: messages may have been missed
        assertNull(lookup.findNear("def"));
    }

    private static AppConfig.Redirect settings() {
        return new AppConfig.Redirect() {
            @Override
            public int status() {
                return 302;
            }

            @Override
            public Duration cacheTtl() {
                return SHARED_TTL;
            }

            @Override
            public Duration nearCacheTtl() {
                return NEAR_TTL;
            }

            @Override
            public int nearCacheSize() {
                return 100;
            }

            @Override
            public Duration missingTtl() {
                return MISSING_TTL;
            }
        };
    }

    static final class Database extends StoredTargets {
        final Map<String, CachedLink> rows = new HashMap<>();
        int loads;

        Database() {
            super(new SimpleMeterRegistry());
        }

        @Override
        CachedLink load(String code) {
            loads++;
            return rows.getOrDefault(code, CachedLink.MISSING);
        }
    }

    static final class Shared implements SharedLinkCache {
        final Map<String, CachedLink> entries = new HashMap<>();
        final List<String> puts = new ArrayList<>();
        final List<String> invalidated = new ArrayList<>();

        @Override
        public Uni<CachedLink> get(String code) {
            return Uni.createFrom().item(entries.get(code));
        }

        @Override
        public void put(String code, CachedLink link, Duration ttl) {
            puts.add(code + " " + ttl);
        }

        @Override
        public void invalidate(String code) {
            invalidated.add(code);
        }

        @Override
        public void start(NearTier near) {
        }

        @Override
        public void stop() {
        }

        @Override
        public Uni<Void> maintain() {
            return Uni.createFrom().voidItem();
        }
    }
}
