package dev.linkstack.app.backend;

import dev.linkstack.app.session.Session;
import dev.linkstack.app.session.SessionStore;

import dev.linkstack.app.errors.BackendUnavailableException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.string.GetExArgs;
import io.quarkus.redis.datasource.string.ReactiveStringCommands;
import io.quarkus.redis.datasource.string.SetArgs;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.Optional;

/** Sessions shared by every app instance: one Redis string per session, expiring after the idle timeout. */
class RedisSessionStore implements SessionStore {
    private static final String PREFIX = "session:";
    private final ReactiveStringCommands<String, String> strings;
    private final ReactiveRedisDataSource redis;

    RedisSessionStore(ReactiveRedisDataSource redis) {
        this.redis = redis;
        this.strings = redis.string(String.class);
    }

    @Override
    public Uni<Void> save(String key, Session session, Duration idleTimeout) {
        return strings.set(PREFIX + key, session.encode(), new SetArgs().px(idleTimeout))
                .onFailure().transform(RedisSessionStore::unavailable);
    }

    @Override
    public Uni<Optional<Session>> touch(String key, Duration idleTimeout) {
        // GETEX reads and renews the expiry in one round trip.
        return strings.getex(PREFIX + key, new GetExArgs().px(idleTimeout))
                .map(value -> Optional.ofNullable(value).map(Session::decode))
                .onFailure().transform(RedisSessionStore::unavailable);
    }

    @Override
    public Uni<Void> delete(String key) {
        return redis.key(String.class).del(PREFIX + key).replaceWithVoid()
                .onFailure().transform(RedisSessionStore::unavailable);
    }

    private static Throwable unavailable(Throwable failure) {
        return new BackendUnavailableException("Session store (Redis) is unavailable, try again shortly", failure);
    }
}
