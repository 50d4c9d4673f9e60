package dev.linkstack.app.redirect;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** The last tier: where a code points, read from the database without loading the whole entity (blocking). */
@ApplicationScoped
public class StoredTargets {
    private final Counter databaseLookups;

    StoredTargets(MeterRegistry registry) {
        this.databaseLookups = Counter.builder("linkstack.redirect.database.lookups")
                .description("Redirect lookups that reached the database").register(registry);
    }

    /** A link as the redirect path caches it, with its password's hash (never cached: only the unlock form needs it). */
    record Guarded(CachedLink link, String passwordHash) {
    }

    CachedLink load(String code) {
        return loadGuarded(code).link();
    }

    Guarded loadGuarded(String code) {
        databaseLookups.increment();
        return QuarkusTransaction.requiringNew().call(() -> {
            List<?> rows = Panache.getEntityManager()
                    .createQuery("select l.id, l.targetUrl, l.expiresAt, l.blockedAt, l.passwordHash from Link l where l.code = :code")
                    .setParameter("code", code).getResultList();
            if (rows.isEmpty()) {
                return new Guarded(CachedLink.MISSING, null);
            }
            Object[] row = (Object[]) rows.get(0);
            if (row[3] != null) {
                return new Guarded(CachedLink.BLOCKED, null);
            }
            Instant expiresAt = (Instant) row[2];
            String passwordHash = (String) row[4];
            return new Guarded(new CachedLink((Long) row[0], (String) row[1], expiresAt == null ? 0 : expiresAt.toEpochMilli(),
                    passwordHash != null), passwordHash);
        });
    }
}
