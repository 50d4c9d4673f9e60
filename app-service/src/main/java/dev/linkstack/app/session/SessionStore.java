package dev.linkstack.app.session;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.Optional;

/** Server-side sessions keyed by an opaque id; implementations keep them in Redis or in memory. */
public interface SessionStore {

    /** Saves a session that lives at most {@code lifetime} (its absolute timeout). */
    Uni<Void> save(String key, Session session, Duration idleTimeout, Duration lifetime);

    /** Reads a session and pushes its idle expiry forward (sliding expiry). */
    Uni<Optional<Session>> touch(String key, Duration idleTimeout);

    Uni<Void> delete(String key);

    /** Ends every session of a user at once (an admin disabled the account); answers how many there were. */
    Uni<Integer> deleteAllOf(long userId);
}
