package dev.linkstack.app.backend;

import dev.linkstack.app.auth.AttemptCounters;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Attempts shared by all instances: one Redis counter per key and window, expiring with it. Each operation is one
 * Lua script, so checking and counting are a single step for Redis whatever the number of instances.
 */
class RedisAttemptCounters implements AttemptCounters {
    // KEYS: the counters; ARGV[1]: window in ms, ARGV[1 + i]: the limit of KEYS[i]. A counter without an expiry
    // (written by an older version) gets one, so no key outlives its window.
    private static final String RESERVE = """
            for i = 1, #KEYS do
              local count = tonumber(redis.call('GET', KEYS[i]) or '0')
              if count >= tonumber(ARGV[i + 1]) then
                local ttl = redis.call('PTTL', KEYS[i])
                if ttl < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[1]); ttl = tonumber(ARGV[1]) end
                return math.max(1, ttl)
              end
            end
            for i = 1, #KEYS do
              if redis.call('INCR', KEYS[i]) == 1 or redis.call('PTTL', KEYS[i]) < 0 then
                redis.call('PEXPIRE', KEYS[i], ARGV[1])
              end
            end
            return 0
            """;
    // DECR on a missing key would create one without expiry: only an existing positive counter is taken back.
    private static final String RELEASE = """
            local count = tonumber(redis.call('GET', KEYS[1]) or '0')
            if count > 1 then redis.call('DECR', KEYS[1]) elseif count == 1 then redis.call('DEL', KEYS[1]) end
            return 0
            """;

    private final ReactiveRedisDataSource redis;
    private final RedisLinkCache cache;

    RedisAttemptCounters(ReactiveRedisDataSource redis, RedisLinkCache cache) {
        this.redis = redis;
        this.cache = cache;
    }

    @Override
    public Uni<Long> reserve(List<Limit> limits, Duration window) {
        List<String> args = new ArrayList<>(List.of("EVAL", RESERVE, String.valueOf(limits.size())));
        limits.forEach(limit -> args.add(limit.key()));
        args.add(String.valueOf(window.toMillis()));
        limits.forEach(limit -> args.add(String.valueOf(limit.max())));
        String[] script = args.subList(1, args.size()).toArray(String[]::new);
        return cache.withRoomFromCache(() -> redis.execute(args.get(0), script)).map(r -> r.toLong());
    }

    @Override
    public Uni<Void> release(String key) {
        return redis.execute("EVAL", RELEASE, "1", key).replaceWithVoid();
    }

    @Override
    public Uni<Void> clear(String key) {
        return redis.key(String.class).del(key).replaceWithVoid();
    }
}
