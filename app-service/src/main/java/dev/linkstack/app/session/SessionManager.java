package dev.linkstack.app.session;

import dev.linkstack.app.config.AppConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.Optional;

/**
 * Creates, resolves and ends sessions. The cookie holds 256 random bits; the store only ever sees their
 * SHA-256, so a leaked Redis dump does not hand out live sessions.
 */
@ApplicationScoped
public class SessionManager {
    private final AppConfig.Session config;
    private final SessionStore store;
    private final Clock clock;

    SessionManager(AppConfig config, SessionStore store, Clock clock) {
        this.config = config.session();
        this.store = store;
        this.clock = clock;
    }

    public String cookieName() {
        return config.cookieName();
    }

    /** Starts a session and returns the cookie value. */
    public Uni<String> start(long userId, String role, String username) {
        String sessionId = Secrets.random(32);
        Session session = new Session(userId, role, clock.instant(), username);
        return store.save(storeKey(sessionId), session, config.idleTimeout(), config.absoluteTimeout()).replaceWith(sessionId);
    }

    public Uni<Optional<Session>> resolve(String sessionId) {
        if (sessionId == null || sessionId.length() != 43) {
            return Uni.createFrom().item(Optional.empty());
        }
        String key = storeKey(sessionId);
        return store.touch(key, config.idleTimeout()).flatMap(found -> {
            if (found.isPresent() && found.get().createdAt().plus(config.absoluteTimeout()).isBefore(clock.instant())) {
                return store.delete(key).replaceWith(Optional.<Session>empty());
            }
            return Uni.createFrom().item(found);
        });
    }

    /** Ends every session of the user, on every instance. */
    public Uni<Integer> endAllOf(long userId) {
        return store.deleteAllOf(userId);
    }

    public Uni<Void> end(String sessionId) {
        return sessionId == null ? Uni.createFrom().voidItem() : store.delete(storeKey(sessionId));
    }

    /** Set-Cookie value starting a session (written by hand: JAX-RS adds an obsolete "Version=1"). */
    public String cookie(String sessionId) {
        return setCookie(sessionId, config.absoluteTimeout().toSeconds());
    }

    public String expiredCookie() {
        return setCookie("", 0);
    }

    private String setCookie(String value, long maxAgeSeconds) {
        return config.cookieName() + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
                + (config.cookieSecure() ? "; Secure" : "");
    }

    private static String storeKey(String sessionId) {
        return Secrets.sha256Hex(sessionId);
    }
}
