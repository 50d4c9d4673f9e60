package dev.linkstack.app.backend;

import dev.linkstack.app.clicks.SharedClickCounters;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.RedisServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

/**
 * One Redis for everything (no REDIS_CACHE_URL), with the policy that never evicts (noeviction). The cache fills it:
 * its writes are refused, the redirects still answer, the cache deletes its own entries, and sessions and counters
 * are neither evicted nor kept from being written.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
@TestProfile(SharedRedisUnderMemoryPressureTest.SingleOwnRedis.class)
class SharedRedisUnderMemoryPressureTest {
    static final RedisServer REDIS = MemoryPressure.redis("noeviction");

    public static class SingleOwnRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", REDIS.uri(), "quarkus.redis.password", MemoryPressure.PASSWORD);
        }
    }

    @Inject
    SharedClickCounters clicks;

    @Test
    void theCacheGivesWayAndSessionsAndCountersStay() {
        try {
            MemoryPressure.State state = MemoryPressure.writeState(clicks);
            Api.Client owner = state.sessions().get(0);
            MemoryPressure.limitMemory(REDIS);
            int redirected = MemoryPressure.fillCache(owner);
            MemoryPressure.assertStateSurvived("memory pressure, one Redis (noeviction) for cache and state", state, REDIS, REDIS, redirected);
        } finally {
            REDIS.cli("CONFIG", "SET", "maxmemory", "0");
        }
    }
}
