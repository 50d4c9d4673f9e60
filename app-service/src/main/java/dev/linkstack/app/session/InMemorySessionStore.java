package dev.linkstack.app.session;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Dev-mode sessions: one process, no Redis. Expired entries are dropped when met. */
public class InMemorySessionStore implements SessionStore {
    private record Entry(Session session, long expiresAtNanos) {
    }

    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();

    @Override
    public Uni<Void> save(String key, Session session, Duration idleTimeout, Duration lifetime) {
        sessions.put(key, new Entry(session, System.nanoTime() + idleTimeout.toNanos()));
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Optional<Session>> touch(String key, Duration idleTimeout) {
        long now = System.nanoTime();
        Entry renewed = sessions.computeIfPresent(key, (k, entry) ->
                entry.expiresAtNanos() - now <= 0 ? null : new Entry(entry.session(), now + idleTimeout.toNanos()));
        return Uni.createFrom().item(Optional.ofNullable(renewed).map(Entry::session));
    }

    @Override
    public Uni<Integer> deleteAllOf(long userId) {
        int before = sessions.size();
        sessions.values().removeIf(entry -> entry.session().userId() == userId);
        return Uni.createFrom().item(Math.max(0, before - sessions.size()));
    }

    @Override
    public Uni<Void> delete(String key) {
        sessions.remove(key);
        return Uni.createFrom().voidItem();
    }
}
