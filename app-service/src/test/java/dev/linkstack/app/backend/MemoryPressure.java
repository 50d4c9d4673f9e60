package dev.linkstack.app.backend;

import dev.linkstack.app.clicks.ClickKey;
import dev.linkstack.app.clicks.VisitCounts;
import dev.linkstack.app.clicks.SharedClickCounters;
import dev.linkstack.app.testing.Api;
import dev.linkstack.testing.RedisServer;
import dev.linkstack.testing.ReliabilityReport;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the memory-pressure tests share: state written through the app (sessions, sign-in failure counters, a click
 * push), then the redirect cache filled far past the memory of its Redis through redirects of long links, then a
 * look at what is left. Redis servers get a memory limit just above what they use when the filling starts.
 */
final class MemoryPressure {
    static final String PASSWORD = "memory-pressure-redis-password";
    /** Headroom above the memory in use when the filling starts; the links cached need several times more. */
    static final long HEADROOM_BYTES = 192 * 1024;
    static final int LINKS = 200;
    static final int SESSIONS = 6;
    static final String ADDRESS = "10.91.0.7";
    static final int FAILURES = 3;

    /** Sessions, counters and the click push that must outlive the filling. */
    record State(List<Api.Client> sessions, String pushId, long pushBytes) {
    }

    private MemoryPressure() {
    }

    static RedisServer redis(String policy) {
        RedisServer redis = new RedisServer(PASSWORD, List.of("--maxmemory-policy", policy)).start();
        Runtime.getRuntime().addShutdownHook(new Thread(redis::close));
        return redis;
    }

    static State writeState(SharedClickCounters clicks) {
        // Sessions of one account: each sign-in costs a bcrypt, each registration another.
        Api.Client first = Api.newUser();
        List<Api.Client> sessions = new ArrayList<>(List.of(first));
        while (sessions.size() < SESSIONS) {
            sessions.add(new Api.Client(first.username(), Api.login(first.username(), Api.PASSWORD)));
        }
        for (int i = 0; i < FAILURES; i++) {
            login(sessions.get(0).username(), "wrong-" + i).then().statusCode(401);
        }
        String pushId = UUID.randomUUID().toString();
        Map<ClickKey, VisitCounts> counts = Map.of(new ClickKey(1, 20_000), VisitCounts.ofClicks(7));
        clicks.add(pushId, counts);
        return new State(sessions, pushId, ClickPushCodec.encode(counts).length);
    }

    static void limitMemory(RedisServer redis) {
        long used = Long.parseLong(redis.info("used_memory"));
        redis.cli("CONFIG", "SET", "maxmemory", String.valueOf(used + HEADROOM_BYTES));
    }

    /** Creates and follows {@link #LINKS} long links: each first redirect writes a cache entry of some 2 KB. */
    static int fillCache(Api.Client owner) {
        int answered = 0;
        for (int i = 0; i < LINKS; i++) {
            String url = "https://example.org/" + "p".repeat(1900) + "/" + i;
            String code = Api.createLink(owner, url);
            if (Api.redirect(code).then().extract().statusCode() == 302) {
                Api.redirect(code).then().header("Location", equalTo(url));
                answered++;
            }
        }
        return answered;
    }

    /** Asserts that every piece of state is still there, and records the figures. */
    static void assertStateSurvived(String check, State state, RedisServer stateRedis, RedisServer cacheRedis, int redirected) {
        int sessionsAlive = 0;
        for (Api.Client client : state.sessions()) {
            sessionsAlive += client.request().get("/api/auth/me").statusCode() == 200 ? 1 : 0;
        }
        String failures = stateRedis.cli("GET", "login-failures:address:" + ADDRESS);
        String push = stateRedis.cli("HSTRLEN", RedisClickCounters.PENDING, state.pushId()).trim(); // binary: its length
        long cached = cacheRedis.cli("--scan", "--pattern", "link:*").lines().filter(line -> !line.isBlank()).count();
        ReliabilityReport.record(check, LINKS + " links of 2 KB cached in " + HEADROOM_BYTES / 1024 + " KB",
                (SESSIONS - sessionsAlive) + " of " + SESSIONS + " sessions lost, " + (LINKS - redirected) + " redirects failed",
                "sign-in counter " + (String.valueOf(FAILURES).equals(failures) ? "kept" : "lost") + ", click push "
                        + (String.valueOf(state.pushBytes()).equals(push) ? "kept" : "lost") + ", " + (LINKS - cached) + " cache entries gone");
        assertEquals(LINKS, redirected, "every redirect answered while the cache's Redis was full");
        assertEquals(SESSIONS, sessionsAlive, "sessions alive after the cache filled its Redis");
        assertEquals(String.valueOf(FAILURES), failures, "sign-in failures still counted");
        assertEquals(String.valueOf(state.pushBytes()), push, "the click push still waits in Redis");
        assertTrue(cached < LINKS, "cache entries gave way: " + cached + " of " + LINKS + " still cached");
        assertEquals("0", stateRedis.info("evicted_keys"), "the Redis of sessions and counters evicts nothing");
        // Still usable: a new sign-in gets a session and a failure is counted.
        Api.login(state.sessions().get(0).username(), Api.PASSWORD);
        login(state.sessions().get(0).username(), "wrong-again").then().statusCode(401);
        assertEquals(String.valueOf(FAILURES + 1), stateRedis.cli("GET", "login-failures:address:" + ADDRESS));
    }

    private static io.restassured.response.Response login(String username, String password) {
        return RestAssured.given().contentType(ContentType.JSON).header("X-Forwarded-For", ADDRESS)
                .body(Map.of("username", username, "password", password)).post("/api/auth/login");
    }
}
