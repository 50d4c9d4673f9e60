package dev.linkstack.backup.ui;

import dev.linkstack.backup.config.BackupConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sign-ins to the backups page, exchanged for the API token so the browser never stores the token itself. Each
 * carries its own CSRF token, which every form repeats (synchronizer token). Kept in memory: the service runs as
 * one instance, and a restart simply asks for the token again.
 */
@ApplicationScoped
public class PageSessions {
    static final String COOKIE = "backup_session";
    private final SecureRandom random = new SecureRandom();
    record Session(Instant expiry, String csrfToken) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration timeout;
    private final Clock clock;

    PageSessions(BackupConfig config, Clock clock) {
        this.timeout = config.ui().sessionTimeout();
        this.clock = clock;
    }

    String start() {
        String id = randomToken();
        Instant now = clock.instant();
        sessions.values().removeIf(session -> session.expiry().isBefore(now));
        sessions.put(id, new Session(now.plus(timeout), randomToken()));
        return id;
    }

    /** The live session named by the cookie, if any. */
    Optional<Session> find(String id) {
        Session session = id == null ? null : sessions.get(id);
        return session != null && session.expiry().isAfter(clock.instant()) ? Optional.of(session) : Optional.empty();
    }

    /** A state-changing form is accepted only from a live session and with that session's CSRF token. */
    boolean acceptsForm(String id, String csrfToken) {
        return find(id).map(session -> csrfToken != null
                && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.US_ASCII), csrfToken.getBytes(StandardCharsets.US_ASCII)))
                .orElse(false);
    }

    void end(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    String cookie(String id) {
        return COOKIE + "=" + id + "; Path=/ui; Max-Age=" + timeout.toSeconds() + "; HttpOnly; SameSite=Strict";
    }

    String expiredCookie() {
        return COOKIE + "=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Strict";
    }
}
