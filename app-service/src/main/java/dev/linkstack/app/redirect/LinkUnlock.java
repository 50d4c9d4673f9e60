package dev.linkstack.app.redirect;

import dev.linkstack.app.auth.CredentialThrottle;
import dev.linkstack.app.links.LinkPasswords;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A visitor's password for a link, checked against the database (the hash never enters a cache) and throttled like a
 * sign-in. Blocking: a bcrypt and a database read, never on the event loop.
 */
@ApplicationScoped
public class LinkUnlock {
    /** The link as stored now, and whether the visitor may follow it. */
    public record Attempt(CachedLink link, boolean unlocked) {
    }

    private final StoredTargets database;
    private final CredentialThrottle throttle;

    LinkUnlock(StoredTargets database, CredentialThrottle throttle) {
        this.database = database;
        this.throttle = throttle;
    }

    /**
     * Throws {@link CredentialThrottle.TooManyAttempts} when the link or the address has used up its wrong passwords.
     * A link that is unknown, blocked, expired or (by now) open is handed back unlocked: the redirect decides it.
     */
    Attempt attempt(String code, String password, String address) {
        StoredTargets.Guarded stored = database.loadGuarded(code);
        CachedLink link = stored.link();
        if (!link.locked() || link.expiredAt(System.currentTimeMillis())) {
            return new Attempt(link, true);
        }
        throttle.reserveUnlock(link.linkId(), address);
        if (!LinkPasswords.matches(password, stored.passwordHash())) {
            return new Attempt(link, false); // the reservation stays: a counted failure
        }
        throttle.unlocked(link.linkId(), address);
        return new Attempt(link, true);
    }
}
