package dev.linkstack.app.backend;

import dev.linkstack.app.auth.LoginFailureCounters;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.string.SetArgs;
import io.smallrye.mutiny.Uni;

import java.time.Duration;

/** Sign-in failures shared by all instances: one Redis counter per window, expiring with it. */
class RedisLoginFailures implements LoginFailureCounters {
    private final ReactiveRedisDataSource redis;

    RedisLoginFailures(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    @Override
    public Uni<long[]> read(String key) {
        return redis.value(String.class).get(key).chain(count -> count == null
                ? Uni.createFrom().item(new long[]{0, 0})
                : redis.key(String.class).pttl(key).map(ttl -> new long[]{Long.parseLong(count), Math.max(0, ttl)}));
    }

    @Override
    public Uni<Void> increment(String key, Duration window) {
        // SET NX PX starts the window once; INCR keeps the expiry, so no key can outlive its window.
        return redis.value(String.class).set(key, "0", new SetArgs().nx().px(window))
                .chain(() -> redis.value(String.class).incr(key)).replaceWithVoid();
    }

    @Override
    public Uni<Void> clear(String key) {
        return redis.key(String.class).del(key).replaceWithVoid();
    }
}
