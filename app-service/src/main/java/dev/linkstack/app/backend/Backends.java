package dev.linkstack.app.backend;

import dev.linkstack.app.auth.AttemptCounters;
import dev.linkstack.app.auth.MemoryAttemptCounters;
import dev.linkstack.app.clicks.SharedClickCounters;
import dev.linkstack.app.visits.VisitorSalts;
import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.redirect.SharedLinkCache;
import dev.linkstack.app.session.InMemorySessionStore;
import dev.linkstack.app.session.SessionStore;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The one place where {@code app.backend} is read: Redis (production, shared by every instance) or memory (the
 * embedded profile: one process, no server). The Redis clients are only created when they are used.
 * <p>
 * The redirect cache has a Redis client of its own ({@value #LINK_CACHE_CLIENT}, REDIS_CACHE_URL), so production can
 * put it on a Redis that evicts under memory pressure while sessions and counters stay on one that never evicts.
 */
@ApplicationScoped
public class Backends {
    static final String LINK_CACHE_CLIENT = "link-cache";
    private final boolean redis;
    private RedisLinkCache linkCache;

    Backends(AppConfig config) {
        this.redis = config.backend() == AppConfig.Backend.REDIS;
    }

    /** One cache for the redirect path and for the writes of sessions and counters, which it makes room for in a full Redis. */
    private synchronized RedisLinkCache linkCache(Instance<ReactiveRedisDataSource> client) {
        if (linkCache == null) {
            // A guard of its own: an outage of the cache's Redis says nothing about the Redis of the counters.
            linkCache = new RedisLinkCache(client.get(), new RedisGuard());
        }
        return linkCache;
    }

    @Produces
    @ApplicationScoped
    SessionStore sessions(Instance<ReactiveRedisDataSource> client, @RedisClientName(LINK_CACHE_CLIENT) Instance<ReactiveRedisDataSource> cache) {
        return redis ? new RedisSessionStore(client.get(), linkCache(cache)) : new InMemorySessionStore();
    }

    @Produces
    @ApplicationScoped
    AttemptCounters credentialAttempts(Instance<ReactiveRedisDataSource> client, @RedisClientName(LINK_CACHE_CLIENT) Instance<ReactiveRedisDataSource> cache) {
        return redis ? new RedisAttemptCounters(client.get(), linkCache(cache)) : new MemoryAttemptCounters();
    }

    @Produces
    @ApplicationScoped
    SharedLinkCache sharedLinks(@RedisClientName(LINK_CACHE_CLIENT) Instance<ReactiveRedisDataSource> client) {
        return redis ? linkCache(client) : SharedLinkCache.NONE;
    }

    @Produces
    @Singleton // no client proxy: asked for every visit classified
    VisitorSalts visitorSalts(Instance<RedisDataSource> client, RedisGuard guard) {
        return redis ? new RedisVisitorSalts(client.get(), guard) : new VisitorSalts.InMemory();
    }

    @Produces
    @ApplicationScoped
    SharedClickCounters sharedClicks(Instance<RedisDataSource> client, RedisGuard guard) {
        return redis ? new RedisClickCounters(client.get(), guard) : SharedClickCounters.NONE;
    }
}
