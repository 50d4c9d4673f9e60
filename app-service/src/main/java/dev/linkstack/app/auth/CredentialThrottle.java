package dev.linkstack.app.auth;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.errors.BackendUnavailableException;
import dev.linkstack.app.session.Secrets;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Slows down password guessing and account farming, the two endpoints where every attempt costs a bcrypt.
 * Sign-ins: failures are counted per account and per client address in a fixed window; past the limit every sign-in
 * (even a correct one) is refused with 429 until the window ends. Each attempt is reserved as a failure before its
 * password is checked, so with a limit of K no more than K passwords of one account are checked in a window, however
 * many guesses arrive at once; a correct one gives its reservation back. A successful sign-in clears its account's
 * counter, never the address's (an attacker with an account of their own could reset it). Registrations: every
 * attempt counts against the client address. The counters live in Redis so that all instances share them (an
 * in-memory twin serves the embedded profile).
 */
@ApplicationScoped
public class CredentialThrottle {
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(3);

    /** Too many attempts: refused for this many more seconds. */
    public static class TooManyAttempts extends RuntimeException {
        private final long retryAfterSeconds;

        TooManyAttempts(String what, long retryAfterMillis) {
            super("Too many " + what + "; try again in " + seconds(retryAfterMillis) + " seconds", null, false, false);
            this.retryAfterSeconds = seconds(retryAfterMillis);
        }

        private static long seconds(long millis) {
            return Math.max(1, (millis + 999) / 1000);
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    private final AppConfig.Login login;
    private final AppConfig.Registration registration;
    private final AppConfig.LinkPasswords linkPasswords;
    private final AttemptCounters counters;

    CredentialThrottle(AppConfig config, AttemptCounters counters) {
        this.login = config.login();
        this.registration = config.registration();
        this.linkPasswords = config.linkPasswords();
        this.counters = counters;
    }

    /** The client's address; behind Nginx, Quarkus has already replaced it with the forwarded one. */
    public static String clientAddress(io.vertx.core.http.HttpServerRequest request) {
        return request == null || request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }

    /**
     * Counts a sign-in as failed before its password is checked; throws {@link TooManyAttempts} (counting nothing)
     * when the account or the address has used up its failures.
     */
    void reserveSignIn(String username, String address) {
        long retryAfterMillis = await(counters.reserve(List.of(
                new AttemptCounters.Limit(accountKey(username), login.maxFailuresPerAccount()),
                new AttemptCounters.Limit(addressKey(address), login.maxFailuresPerAddress())), login.failureWindow()));
        if (retryAfterMillis > 0) {
            throw new TooManyAttempts("failed sign-ins", retryAfterMillis);
        }
    }

    /** The password was right: the account starts afresh and the address gets its reservation back. */
    void signedIn(String username, String address) {
        await(counters.clear(accountKey(username)).chain(() -> counters.release(addressKey(address))));
    }

    /** The check itself failed (e.g. the database was down): nothing was guessed, both reservations go back. */
    void signInNotChecked(String username, String address) {
        await(counters.release(accountKey(username)).chain(() -> counters.release(addressKey(address))));
    }

    /** Counts a registration attempt; throws {@link TooManyAttempts} when the address has used up its attempts. */
    void reserveRegistration(String address) {
        long retryAfterMillis = await(counters.reserve(List.of(new AttemptCounters.Limit(
                "registration-attempts:address:" + address(address), registration.maxAttemptsPerAddress())), registration.attemptWindow()));
        if (retryAfterMillis > 0) {
            throw new TooManyAttempts("registration attempts", retryAfterMillis);
        }
    }

    /**
     * Counts a wrong password for a link before the password is checked, like a sign-in: throws {@link TooManyAttempts}
     * (counting nothing) when the link or the address has used up its failures, then even the right password waits.
     */
    public void reserveUnlock(long linkId, String address) {
        long retryAfterMillis = await(counters.reserve(List.of(
                new AttemptCounters.Limit(linkKey(linkId), linkPasswords.maxFailuresPerLink()),
                new AttemptCounters.Limit(unlockAddressKey(address), linkPasswords.maxFailuresPerAddress())), linkPasswords.failureWindow()));
        if (retryAfterMillis > 0) {
            throw new TooManyAttempts("wrong passwords", retryAfterMillis);
        }
    }

    /**
     * The password was right: both reservations go back, and only they. A link has many visitors, so unlike an
     * account's a success does not clear its counter: each one would give a guesser a fresh set of attempts.
     */
    public void unlocked(long linkId, String address) {
        await(counters.release(linkKey(linkId)).chain(() -> counters.release(unlockAddressKey(address))));
    }

    private static String linkKey(long linkId) {
        return "link-password-failures:link:" + linkId;
    }

    private static String unlockAddressKey(String address) {
        return "link-password-failures:address:" + address(address);
    }

    // Usernames are case-insensitive; the digest keeps them out of Redis key listings.
    private static String accountKey(String username) {
        return "login-failures:account:" + Secrets.sha256Hex(username == null ? "" : username.trim().toLowerCase(Locale.ROOT));
    }

    private static String addressKey(String address) {
        return "login-failures:address:" + address(address);
    }

    private static String address(String address) {
        return address == null ? "unknown" : address;
    }

    private static <T> T await(Uni<T> operation) {
        try {
            return operation.await().atMost(STORE_TIMEOUT);
        } catch (RuntimeException e) {
            throw BackendUnavailableException.explain(e, "Sign-in is unavailable, try again shortly");
        }
    }
}
