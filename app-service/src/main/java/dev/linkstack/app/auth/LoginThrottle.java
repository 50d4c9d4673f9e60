package dev.linkstack.app.auth;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.session.Secrets;
import dev.linkstack.app.errors.BackendUnavailableException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Locale;

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

    private final AppConfig.Login config;
    private final LoginFailureCounters counters;

    LoginThrottle(AppConfig config, LoginFailureCounters counters) {
        this.config = config.login();
        this.counters = counters;
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
            throw BackendUnavailableException.explain(e, "Sign-in is unavailable, try again shortly");
        }
    }
}
