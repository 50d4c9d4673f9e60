package dev.linkstack.app.auth;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.security.Secrets;
import dev.linkstack.app.web.BackendUnavailableException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.string.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: failed sign-ins are counted per account and per client address in a fixed window;
 * past the limit every sign-in (even a correct one) is refused with 429 until the window ends. The counters live in
 * Redis so that all instances share them (an in-memory twin serves the embedded profile). A successful sign-in
 * clears its account's counter, never the address's (an attacker with an account of their own could reset it).
 */
@ApplicationScoped
public class LoginThrottle {
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(3);

    /** Too many failures: refused for this many more seconds. */
    public static class TooManyAttempts extends RuntimeException {
        private final long retryAfterSeconds;

        public TooManyAttempts(long retryAfterSeconds) {
            super("Too many failed sign-ins; try again in " + retryAfterSeconds + " seconds", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    private interface Counters {
        /** Current count and milliseconds left in its window (0 when there is no window). */
        Uni<long[]> read(String key);

        Uni<Void> increment(String key, Duration window);

        Uni<Void> clear(String key);
    }

    private final AppConfig.Login config;
    private final Counters counters;

    LoginThrottle(AppConfig config, Instance<ReactiveRedisDataSource> redis) {
        this.config = config.login();
        this.counters = config.backend() == AppConfig.Backend.REDIS ? new RedisCounters(redis.get()) : new MemoryCounters();
    }

    /** The client's address; behind Nginx, Quarkus has already replaced it with the forwarded one. */
    public static String clientAddress(io.vertx.core.http.HttpServerRequest request) {
        return request == null || request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }

    /** Throws {@link TooManyAttempts} when the account or the address has used up its failures. */
    public void check(String username, String address) {
        long retryAfterMillis = Math.max(
                blockedFor(accountKey(username), config.maxFailuresPerAccount()),
                blockedFor(addressKey(address), config.maxFailuresPerAddress()));
        if (retryAfterMillis > 0) {
            throw new TooManyAttempts(Math.max(1, (retryAfterMillis + 999) / 1000));
        }
    }

    public void failed(String username, String address) {
        await(counters.increment(accountKey(username), config.failureWindow())
                .chain(() -> counters.increment(addressKey(address), config.failureWindow())));
    }

    public void succeeded(String username) {
        await(counters.clear(accountKey(username)));
    }

    private long blockedFor(String key, int limit) {
        long[] state = await(counters.read(key));
        return state[0] >= limit ? Math.max(1, state[1]) : 0;
    }

    // Usernames are case-insensitive; the digest keeps them out of Redis key listings.
    private static String accountKey(String username) {
        return "login-failures:account:" + Secrets.sha256Hex(username == null ? "" : username.trim().toLowerCase(Locale.ROOT));
    }

    private static String addressKey(String address) {
        return "login-failures:address:" + (address == null ? "unknown" : address);
    }

    private static <T> T await(Uni<T> operation) {
        try {
            return operation.await().atMost(STORE_TIMEOUT);
        } catch (RuntimeException e) {
            throw BackendUnavailableException.findIn(e) != null ? e
                    : new BackendUnavailableException("Sign-in is unavailable, try again shortly", e);
        }
    }

    private static final class RedisCounters implements Counters {
        private final ReactiveRedisDataSource redis;

        RedisCounters(ReactiveRedisDataSource redis) {
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

    private static final class MemoryCounters implements Counters {
        private record Window(long count, long endsAtNanos) {
        }

        private final Map<String, Window> windows = new ConcurrentHashMap<>();

        @Override
        public Uni<long[]> read(String key) {
            Window window = windows.get(key);
            long left = window == null ? 0 : window.endsAtNanos() - System.nanoTime();
            return Uni.createFrom().item(left <= 0 ? new long[]{0, 0} : new long[]{window.count(), left / 1_000_000});
        }

        @Override
        public Uni<Void> increment(String key, Duration window) {
            long now = System.nanoTime();
            windows.compute(key, (k, w) -> w == null || w.endsAtNanos() - now <= 0
                    ? new Window(1, now + window.toNanos()) : new Window(w.count() + 1, w.endsAtNanos()));
            if (windows.size() > 100_000) {
                windows.values().removeIf(w -> w.endsAtNanos() - now <= 0);
            }
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> clear(String key) {
            windows.remove(key);
            return Uni.createFrom().voidItem();
        }
    }
}
