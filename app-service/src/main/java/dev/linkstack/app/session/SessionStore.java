package dev.linkstack.app.session;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.Optional;

/** Server-side sessions keyed by an opaque id; implementations keep them in Redis or in memory. */
public interface SessionStore {

    Uni<Void> save(String key, Session session, Duration idleTimeout);

    /** Reads a session and pushes its idle expiry forward (sliding expiry). */
    Uni<Optional<Session>> touch(String key, Duration idleTimeout);

    Uni<Void> delete(String key);
}
