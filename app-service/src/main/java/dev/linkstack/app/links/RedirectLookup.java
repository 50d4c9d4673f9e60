package dev.linkstack.app.links;

import dev.linkstack.app.cache.CachedLink;
import dev.linkstack.app.cache.RedirectCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.hibernate.orm.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** Finds where a code points: in-process cache, then Redis, then the database (off the event loop). */
@ApplicationScoped
public class RedirectLookup {
    private final RedirectCache cache;
    private final Counter databaseLookups;

    RedirectLookup(RedirectCache cache, MeterRegistry registry) {
        this.cache = cache;
        this.databaseLookups = Counter.builder("linkstack.redirect.database.lookups")
                .description("Redirect lookups that reached the database").register(registry);
    }

    /** The in-process tier alone, answered synchronously; null when not cached here. */
    public CachedLink findNear(String code) {
        return cache.nearLookup(code);
    }

    /** The tiers behind the in-process cache: Redis, then the database; call after {@link #findNear} missed. */
    public Uni<CachedLink> findBeyondNear(String code) {
        return cache.sharedLookup(code).flatMap(shared -> shared != null ? Uni.createFrom().item(shared)
                : Uni.createFrom().item(() -> load(code)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
    }

    private CachedLink load(String code) {
        databaseLookups.increment();
        CachedLink link = QuarkusTransaction.requiringNew().call(() -> {
            List<?> rows = Panache.getEntityManager()
                    .createQuery("select l.id, l.targetUrl, l.expiresAt from Link l where l.code = :code")
                    .setParameter("code", code).getResultList();
            if (rows.isEmpty()) {
                return CachedLink.MISSING;
            }
            Object[] row = (Object[]) rows.get(0);
            Instant expiresAt = (Instant) row[2];
            return new CachedLink((Long) row[0], (String) row[1], expiresAt == null ? 0 : expiresAt.toEpochMilli());
        });
        cache.remember(code, link);
        return link;
    }
}
