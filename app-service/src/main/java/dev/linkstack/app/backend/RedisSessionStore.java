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
    /** The keys of one user's sessions, so that all of them can be ended; it expires with the newest session. */
    private static final String USER_INDEX = "user-sessions:";
    // KEYS[1]: the user's index; ARGV[1]: the session key prefix. Deletes the sessions and the index in one step.
    private static final String DELETE_ALL = """
            local keys = redis.call('SMEMBERS', KEYS[1])
            for _, key in ipairs(keys) do redis.call('DEL', ARGV[1] .. key) end
            redis.call('DEL', KEYS[1])
            return #keys
            """;
    private final ReactiveStringCommands<String, String> strings;
    private final ReactiveRedisDataSource redis;
    private final RedisLinkCache cache;

    RedisSessionStore(ReactiveRedisDataSource redis, RedisLinkCache cache) {
        this.redis = redis;
        this.cache = cache;
        this.strings = redis.string(String.class);
    }

    @Override
    public Uni<Void> save(String key, Session session, Duration idleTimeout, Duration lifetime) {
        String index = USER_INDEX + session.userId();
        return cache.withRoomFromCache(() -> strings.set(PREFIX + key, session.encode(), new SetArgs().px(idleTimeout))
                        .chain(() -> redis.set(String.class).sadd(index, key))
                        .chain(() -> redis.key(String.class).pexpire(index, lifetime)))
                .replaceWithVoid()
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
    public Uni<Integer> deleteAllOf(long userId) {
        return redis.execute("EVAL", DELETE_ALL, "1", USER_INDEX + userId, PREFIX).map(r -> r.toInteger())
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
