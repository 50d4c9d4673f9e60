package dev.linkstack.app.clicks;

import dev.linkstack.app.visits.ClassifiedVisit;
import dev.linkstack.app.visits.Dimension;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class ClickCountingTest {

    @Inject
    ClickRelay flusher;

    @Inject
    ClickStore store;

    @Inject
    SharedClickCounters shared;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    URI base;

    @Test
    void aPushHandedOutAgainIsCountedOnce() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/replayed");
        long linkId = Db.number("SELECT id FROM links WHERE code = ?", code);
        Map<ClickKey, VisitCounts> push = Map.of(new ClickKey(linkId, LocalDate.now(ZoneOffset.UTC).toEpochDay()), VisitCounts.ofClicks(5));
        String pushId = "replayed-" + linkId;
        flusher.flush(); // nothing else pending

        shared.add(pushId, push);
        shared.add(pushId, push); // retried after a lost reply while still pending
        assertEquals("1", RealServers.redis().cli("HLEN", "clicks:pending"));
        flusher.flush();
        client.request().get("/api/links/" + code).then().body("clicks", equalTo(5));

        shared.add(pushId, push); // retried after the first copy was sealed, or Redis lost the seal and the delete
        flusher.flush();
        assertEquals(0, store.apply(Map.of(pushId, Push.of(push))), "the same push written straight to the database");
        client.request().get("/api/links/" + code).then().body("clicks", equalTo(5));
    }

    @Test
    void concurrentRedirectsAreCountedExactlyWithoutADatabaseWritePerClick() throws Exception {
        Api.Client client = Api.newUser();
        String first = Api.createLink(client, "https://example.org/one");
        String second = Api.createLink(client, "https://example.org/two");
        flusher.flush(); // start from a clean slate

        long before = Db.number("SELECT coalesce(sum(click_count), 0) FROM links");
        int perLink = 600;
        int redirected = hammer(List.of(first, second), perLink, 8);
        assertEquals(2 * perLink, redirected, "every request answered 302");

        // Nothing reached the database yet: counts wait in memory / Redis for the batch flush.
        assertEquals(before, Db.number("SELECT coalesce(sum(click_count), 0) FROM links"));

        flusher.flush();
        client.request().get("/api/links/" + first + "/stats").then().statusCode(200).body("totalClicks", equalTo(perLink))
                .body("daily[29].day", equalTo(LocalDate.now(ZoneOffset.UTC).toString())).body("daily[29].clicks", equalTo(perLink));
        client.request().get("/api/links/" + second).then().body("clicks", equalTo(perLink));
        assertEquals("0", RealServers.redis().cli("EXISTS", "clicks:pending"), "shared counters drained");
    }

    @Test
    void aBatchIsAppliedOnlyOnceEvenWhenRetried() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/once");
        long linkId = Db.number("SELECT id FROM links WHERE code = ?", code);
        Map<ClickKey, VisitCounts> batch = Map.of(new ClickKey(linkId, LocalDate.now(ZoneOffset.UTC).toEpochDay()), VisitCounts.ofClicks(7));
        assertEquals(7, store.apply(Map.of("retry-test-" + linkId, Push.of(batch))));
        assertEquals(0, store.apply(Map.of("retry-test-" + linkId, Push.of(batch))), "same batch id must not count twice");
        client.request().get("/api/links/" + code).then().body("clicks", equalTo(7));
    }

    @Test
    void aBatchAcrossMidnightAddsBothDaysToTheLinksTotal() {
        long linkId = Db.number("SELECT id FROM links WHERE code = ?", Api.createLink(Api.newUser(), "https://example.org/midnight"));
        long today = LocalDate.now(ZoneOffset.UTC).toEpochDay();
        VisitCounts yesterday = VisitCounts.ofClicks(3);
        yesterday.count(Dimension.REFERRER, "direct", 3);
        VisitCounts now = VisitCounts.ofClicks(4);
        now.count(Dimension.REFERRER, "direct", 4);
        Map<ClickKey, VisitCounts> push = Map.of(new ClickKey(linkId, today - 1), yesterday, new ClickKey(linkId, today), now);
        assertEquals(7, store.apply(Map.of("midnight-" + linkId, Push.of(push))));
        assertEquals(7, Db.number("SELECT click_count FROM links WHERE id = ?", linkId), "one link, two days in one batch");
        assertEquals(3, Db.number("SELECT clicks FROM link_daily_clicks WHERE link_id = ? AND day = ?", linkId, LocalDate.ofEpochDay(today - 1)));
        assertEquals(7, Db.number("SELECT sum(visits) FROM link_daily_visits WHERE link_id = ? AND dimension = 'referrer'", linkId));
    }

    @Test
    void aBatchLeftInRedisByACrashedInstanceIsPickedUp() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/orphan");
        long linkId = Db.number("SELECT id FROM links WHERE code = ?", code);
        long today = LocalDate.now(ZoneOffset.UTC).toEpochDay();
        RealServers.redis().cli("HSET", "clicks:batch:crashed-" + linkId, "push-" + linkId, linkId + ":" + today + "=11");
        // A count added by an instance of the previous version, as during an update that runs both.
        RealServers.redis().cli("HSET", "clicks:batch:crashed-" + linkId, linkId + ":" + today, "4");
        // A round ends early while Redis counts as down (an earlier test's outage may still be ending): flush again.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        flusher.flush();
        while (!"0".equals(RealServers.redis().cli("EXISTS", "clicks:batch:crashed-" + linkId)) && System.nanoTime() < deadline) {
            dev.linkstack.testing.Processes.sleep(200);
            flusher.flush();
        }
        client.request().get("/api/links/" + code).then().body("clicks", equalTo(15));
        assertEquals("0", RealServers.redis().cli("EXISTS", "clicks:batch:crashed-" + linkId));
    }

    @Test
    void clicksOfADeletedLinkDoNotBlockTheOthers() throws Exception {
        Api.Client client = Api.newUser();
        String kept = Api.createLink(client, "https://example.org/kept");
        String deleted = Api.createLink(client, "https://example.org/deleted");
        hammer(List.of(kept, deleted), 5, 2);
        client.request().delete("/api/links/" + deleted).then().statusCode(204);
        flusher.flush();
        client.request().get("/api/links/" + kept).then().body("clicks", equalTo(5));
    }

    @Test
    void aFlushOfVisitorsAlreadyCountedLeavesTheirSketchUnlockedAndNewVisitorsWaitForTheLock() throws Exception {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/sketch-locks");
        long linkId = Db.number("SELECT id FROM links WHERE code = ?", code);
        ClickKey today = new ClickKey(linkId, LocalDate.now(ZoneOffset.UTC).toEpochDay());
        assertEquals(1, store.apply(Map.of("sketch-" + linkId + "-1", visitorPush(today, 11L))));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection other = DriverManager.getConnection(RealServers.postgres().jdbcUrl(RealServers.DB_NAME), RealServers.DB_USER, RealServers.DB_PASSWORD)) {
            other.setAutoCommit(false);
            try (Statement lock = other.createStatement()) { // another instance's flush, holding the row
                lock.executeQuery("SELECT sketch FROM link_daily_visitors WHERE link_id = " + linkId + " FOR UPDATE").close();
            }
            Future<Long> known = pool.submit(() -> store.apply(Map.of("sketch-" + linkId + "-2", visitorPush(today, 11L))));
            assertEquals(1, known.get(20, TimeUnit.SECONDS), "a visitor the sketch holds needs no lock on it");
            Future<Long> fresh = pool.submit(() -> store.apply(Map.of("sketch-" + linkId + "-3", visitorPush(today, 12L))));
            Thread.sleep(700);
            assertFalse(fresh.isDone(), "a new visitor waits for the row: its union is written under the lock");
            other.rollback();
            assertEquals(1, fresh.get(20, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        client.request().get("/api/links/" + code + "/stats?days=1").then().body("clicks", equalTo(3)).body("uniqueVisitors", equalTo(2));
    }

    private static Push visitorPush(ClickKey key, long visitor) {
        VisitCounts counts = new VisitCounts();
        counts.add(new ClassifiedVisit(null, "direct", null, "desktop", "Firefox", "Linux", visitor));
        return Push.of(Map.of(key, counts));
    }

    /** Sends perCode redirects for each code from several threads; returns how many answered 302. */
    private int hammer(List<String> codes, int perCode, int threads) throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger found = new AtomicInteger();
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (String code : codes) {
                for (int t = 0; t < threads; t++) {
                    int share = perCode / threads + (t < perCode % threads ? 1 : 0);
                    tasks.add(pool.submit(() -> {
                        for (int i = 0; i < share; i++) {
                            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(base.resolve(code)).build(), HttpResponse.BodyHandlers.discarding());
                            if (response.statusCode() == 302) {
                                found.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return found.get();
    }
}
