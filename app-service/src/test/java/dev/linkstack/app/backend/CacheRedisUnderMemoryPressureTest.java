package dev.linkstack.app.backend;

import dev.linkstack.app.clicks.SharedClickCounters;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.RedisServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production layout: the redirect cache on a Redis of its own that evicts (allkeys-lru), sessions and counters on
 * one that never does (noeviction). The cache fills its Redis several times over: cache entries are evicted, nothing
 * else is.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
@TestProfile(CacheRedisUnderMemoryPressureTest.SeparateCacheOwnRedis.class)
class CacheRedisUnderMemoryPressureTest {
    static final RedisServer STATE = MemoryPressure.redis("noeviction");
    static final RedisServer CACHE = MemoryPressure.redis("allkeys-lru");

    public static class SeparateCacheOwnRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", STATE.uri(), "quarkus.redis.password", MemoryPressure.PASSWORD,
                    "quarkus.redis.link-cache.hosts", CACHE.uri());
        }
    }

    @Inject
    SharedClickCounters clicks;

    @Test
    void theCacheIsEvictedAndSessionsAndCountersAreNot() {
        try {
            MemoryPressure.State state = MemoryPressure.writeState(clicks);
            Api.Client owner = state.sessions().get(0);
            MemoryPressure.limitMemory(CACHE);
            MemoryPressure.limitMemory(STATE);
            int redirected = MemoryPressure.fillCache(owner);
            assertTrue(Long.parseLong(CACHE.info("evicted_keys")) > 0, "the cache's Redis evicted entries");
            MemoryPressure.assertStateSurvived("memory pressure, cache on its own Redis (allkeys-lru), state on noeviction",
                    state, STATE, CACHE, redirected);
        } finally {
            STATE.cli("CONFIG", "SET", "maxmemory", "0");
            CACHE.cli("CONFIG", "SET", "maxmemory", "0");
        }
    }

    /** The cache's Redis is not needed to serve: while it is down the instance stays ready and redirects answer. */
    @Test
    void anOutageOfTheCacheRedisLeavesTheInstanceReady() {
        Api.Client owner = Api.newUser();
        String code = Api.createLink(owner, "https://example.org/cache-outage");
        CACHE.stop();
        try {
            RestAssured.given().get("/q/health/ready").then().statusCode(200);
            Api.redirect(code).then().statusCode(302).header("Location", equalTo("https://example.org/cache-outage"));
            owner.request().get("/api/auth/me").then().statusCode(200);
        } finally {
            CACHE.start();
        }
        STATE.stop();
        try {
            RestAssured.given().get("/q/health/ready").then().statusCode(503); // the control: sessions' Redis is needed
        } finally {
            STATE.start();
        }
    }
}
