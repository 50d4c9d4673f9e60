package dev.linkstack.app.backend;

import dev.linkstack.app.visits.VisitorSalts;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;

import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each day's visitor salt in Redis, shared by every instance: the first to ask sets it (SET NX), and it expires two
 * days later, which leaves room for visits classified just after midnight. While Redis cannot be reached an instance
 * salts with one of its own for a minute and then asks again: uniques seen by two instances then may count twice,
 * but no visit waits for Redis.
 */
class RedisVisitorSalts implements VisitorSalts {
    static final String PREFIX = "visitors:salt:";
    private static final Duration KEEP = Duration.ofDays(2);
    private static final long RETRY_MILLIS = 60_000;
    private final ValueCommands<String, String> values;
    private final RedisGuard guard;
    private final Map<Long, byte[]> shared = new ConcurrentHashMap<>();
    private volatile byte[] fallback;
    private volatile long fallbackDay = Long.MIN_VALUE;
    private volatile long fallbackUntil;

    RedisVisitorSalts(RedisDataSource redis, RedisGuard guard) {
        this.values = redis.value(String.class);
        this.guard = guard;
    }

    @Override
    public byte[] forDay(long epochDay) {
        byte[] salt = shared.get(epochDay);
        if (salt != null) {
            return salt;
        }
        long now = System.currentTimeMillis();
        if (fallbackDay == epochDay && now < fallbackUntil) {
            return fallback;
        }
        if (guard.shouldTry()) {
            try {
                String key = PREFIX + epochDay;
                values.set(key, Base64.getEncoder().encodeToString(VisitorSalts.fresh()), new SetArgs().nx().px(KEEP));
                String stored = values.get(key);
                if (stored != null) {
                    shared.keySet().removeIf(day -> day < epochDay - 1);
                    salt = Base64.getDecoder().decode(stored);
                    shared.put(epochDay, salt);
                    return salt;
                }
            } catch (RuntimeException e) {
                guard.failed(e);
            }
        }
        if (fallbackDay != epochDay) {
            fallback = VisitorSalts.fresh();
            fallbackDay = epochDay;
        }
        fallbackUntil = now + RETRY_MILLIS;
        return fallback;
    }
}
