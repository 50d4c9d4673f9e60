package dev.linkstack.app.backend;

import dev.linkstack.app.auth.AttemptCounters;
import dev.linkstack.app.auth.MemoryAttemptCounters;
import dev.linkstack.app.clicks.SharedClickCounters;
import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.redirect.SharedLinkCache;
import dev.linkstack.app.session.InMemorySessionStore;
import dev.linkstack.app.session.SessionStore;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/**
 * The one place where {@code app.backend} is read: Redis (production, shared by every instance) or memory (the
 * embedded profile: one process, no server). The Redis client is only created when it is used.
 */
@ApplicationScoped
public class Backends {
    private final boolean redis;

    Backends(AppConfig config) {
        this.redis = config.backend() == AppConfig.Backend.REDIS;
    }

    @Produces
    @ApplicationScoped
    SessionStore sessions(Instance<ReactiveRedisDataSource> client) {
        return redis ? new RedisSessionStore(client.get()) : new InMemorySessionStore();
    }

    @Produces
    @ApplicationScoped
    AttemptCounters credentialAttempts(Instance<ReactiveRedisDataSource> client) {
        return redis ? new RedisAttemptCounters(client.get()) : new MemoryAttemptCounters();
    }

    @Produces
    @ApplicationScoped
    SharedLinkCache sharedLinks(Instance<ReactiveRedisDataSource> client, RedisGuard guard) {
        return redis ? new RedisLinkCache(client.get(), guard) : SharedLinkCache.NONE;
    }

    @Produces
    @ApplicationScoped
    SharedClickCounters sharedClicks(Instance<RedisDataSource> client, RedisGuard guard) {
        return redis ? new RedisClickCounters(client.get(), guard) : SharedClickCounters.NONE;
    }
}
