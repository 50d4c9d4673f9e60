package dev.linkstack.app.redirect;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.links.LinkChanged;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Finds where a code points, through three tiers: a small in-process cache per instance, the cache shared by all
 * instances ({@link SharedLinkCache}, Redis), then the database (off the event loop). Each tier that answers fills
 * the ones in front of it; a change to a link (a block included) drops it from every tier ({@link LinkChanged}).
 */
@Singleton // no client proxy: called for every redirect
public class RedirectLookup implements SharedLinkCache.NearTier {
    private static final String LOOKUPS = "linkstack.redirect.cache";
    private static final String LOOKUPS_DESCRIPTION = "Redirect cache lookups, by result and tier";

    private final Cache<String, CachedLink> near;
    private final SharedLinkCache shared;
    private final StoredTargets database;
    private final Duration sharedTtl;
    private final Duration sharedMissingTtl;
    private final LongAdder nearHits;
    private final LongAdder sharedHits;
    private final LongAdder misses;

    @Inject
    RedirectLookup(AppConfig config, SharedLinkCache shared, StoredTargets database, MeterRegistry registry) {
        this(config.redirect(), shared, database, registry, Ticker.systemTicker());
    }

    RedirectLookup(AppConfig.Redirect config, SharedLinkCache shared, StoredTargets database, MeterRegistry registry, Ticker ticker) {
        this.shared = shared;
        this.database = database;
        this.sharedTtl = config.cacheTtl();
        this.sharedMissingTtl = config.missingTtl();
        Duration nearTtl = config.nearCacheTtl();
        // An unknown code is remembered briefly: it may be created any moment, on any instance. A blocked one is kept
        // like a link: only an admin's unblock changes it, and that drops it from every tier.
        Duration nearMissingTtl = config.missingTtl().compareTo(nearTtl) < 0 ? config.missingTtl() : nearTtl;
        this.near = Caffeine.newBuilder()
                .maximumSize(config.nearCacheSize())
                // The cache's upkeep (replaying reads, evicting) runs on the caller, a few entries at a time: handed to the
                // common pool it woke a thread 3,700 times a second under load, which took the event loops' cores
                // (bench/run probe: 4-9 % more CPU per redirect, fewer redirects behind Nginx in 5 of 5 pairs).
                .executor(Runnable::run)
                .ticker(ticker)
                .expireAfter(Expiry.creating((String code, CachedLink link) -> unknown(link) ? nearMissingTtl : nearTtl))
                .build();
        this.nearHits = HotPathCounters.register(registry, LOOKUPS, LOOKUPS_DESCRIPTION, "result", "hit", "tier", "near");
        this.sharedHits = HotPathCounters.register(registry, LOOKUPS, LOOKUPS_DESCRIPTION, "result", "hit", "tier", "redis");
        this.misses = HotPathCounters.register(registry, LOOKUPS, LOOKUPS_DESCRIPTION, "result", "miss", "tier", "all");
    }

    /** The in-process tier alone, answered synchronously; null when not cached here. */
    public CachedLink findNear(String code) {
        CachedLink link = near.getIfPresent(code);
        if (link != null) {
            nearHits.increment();
        }
        return link;
    }

    /** The tiers behind the in-process one: shared, then the database; call after {@link #findNear} missed. */
    public Uni<CachedLink> findBeyondNear(String code) {
        return shared.get(code).flatMap(found -> {
            if (found != null) {
                near.put(code, found);
                sharedHits.increment();
                return Uni.createFrom().item(found);
            }
            misses.increment();
            return Uni.createFrom().item(() -> load(code)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        });
    }

    private CachedLink load(String code) {
        CachedLink link = database.load(code);
        near.put(code, link);
        shared.put(code, link, unknown(link) ? sharedMissingTtl : sharedTtl);
        return link;
    }

    private static boolean unknown(CachedLink link) {
        return link.missing() && !link.blocked();
    }

    /** Runs in the transaction's thread after the change is committed, so it is in force when the API call returns. */
    void forget(@Observes LinkChanged change) {
        near.invalidate(change.code());
        shared.invalidate(change.code());
    }

    @Override
    public void drop(String code) {
        near.invalidate(code);
    }

    @Override
    public void dropAll() {
        near.invalidateAll();
    }

    void start(@Observes StartupEvent start) {
        shared.start(this);
    }

    void stop(@Observes ShutdownEvent stop) {
        shared.stop();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> maintainShared() {
        return shared.maintain();
    }
}
