package dev.linkstack.app.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.metrics.HotPathCounters;
import dev.linkstack.app.redis.RedisGuard;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.redis.datasource.string.ReactiveStringCommands;
import io.quarkus.redis.datasource.string.SetArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Two-tier cache of link lookups for the redirect path: a small in-process cache per instance in front of a
 * Redis cache shared by all instances. Changes delete the Redis entry and are broadcast over Redis pub/sub so
 * every instance drops its in-process copy at once. In dev (no Redis) only the in-process tier exists.
 */
@ApplicationScoped
public class RedirectCache {
    private static final Logger LOG = Logger.getLogger(RedirectCache.class);
    private static final String KEY_PREFIX = "link:";
    static final String INVALIDATION_CHANNEL = "linkstack:link-invalidations";
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

    private final Cache<String, CachedLink> near;
    private final ReactiveRedisDataSource redis;
    private final ReactiveStringCommands<String, String> strings;
    private final RedisGuard guard;
    private final AppConfig.Redirect config;
    /** Invalidations that could not reach Redis yet; retried until they do. */
    private final Set<String> pendingInvalidations = ConcurrentHashMap.newKeySet();
    private volatile boolean subscribed;
    private volatile ReactivePubSubCommands.ReactiveRedisSubscriber subscriber;

    private final LongAdder nearHits;
    private final LongAdder sharedHits;
    private final LongAdder misses;

    RedirectCache(AppConfig config, Instance<ReactiveRedisDataSource> redis, RedisGuard guard, MeterRegistry registry) {
        this.config = config.redirect();
        this.guard = guard;
        this.redis = config.backend() == AppConfig.Backend.REDIS ? redis.get() : null;
        this.strings = this.redis == null ? null : this.redis.string(String.class);
        Duration nearTtl = this.config.nearCacheTtl();
        Duration missingTtl = this.config.missingTtl().compareTo(nearTtl) < 0 ? this.config.missingTtl() : nearTtl;
        this.near = Caffeine.newBuilder()
                .maximumSize(this.config.nearCacheSize())
                .expireAfter(Expiry.creating((String code, CachedLink link) -> link.missing() ? missingTtl : nearTtl))
                .build();
        String lookups = "Redirect cache lookups, by result and tier";
        this.nearHits = HotPathCounters.register(registry, "linkstack.redirect.cache", lookups, "result", "hit", "tier", "near");
        this.sharedHits = HotPathCounters.register(registry, "linkstack.redirect.cache", lookups, "result", "hit", "tier", "redis");
        this.misses = HotPathCounters.register(registry, "linkstack.redirect.cache", lookups, "result", "miss", "tier", "all");
    }

    /** In-process lookup; null when not cached here. */
    public CachedLink nearLookup(String code) {
        CachedLink link = near.getIfPresent(code);
        if (link != null) {
            nearHits.increment();
        }
        return link;
    }

    /** Shared lookup; emits null when not cached or when Redis is unusable (the caller goes to the database). */
    public Uni<CachedLink> sharedLookup(String code) {
        if (redis == null || !guard.shouldTry()) {
            misses.increment();
            return Uni.createFrom().nullItem();
        }
        return strings.get(KEY_PREFIX + code)
                .ifNoItem().after(REDIS_TIMEOUT).fail()
                .map(value -> {
                    guardSucceeded();
                    if (value == null) {
                        misses.increment();
                        return null;
                    }
                    CachedLink link = CachedLink.decode(value);
                    near.put(code, link);
                    sharedHits.increment();
                    return link;
                })
                .onFailure().recoverWithItem(failure -> {
                    guard.failed(failure);
                    misses.increment();
                    return null;
                });
    }

    /** Stores a lookup result from the database in both tiers; the Redis write is fire-and-forget. */
    public void remember(String code, CachedLink link) {
        near.put(code, link);
        if (redis == null || !guard.shouldTry() || pendingInvalidations.contains(code)) {
            return;
        }
        Duration ttl = link.missing() ? config.missingTtl() : config.cacheTtl();
        strings.set(KEY_PREFIX + code, link.encode(), new SetArgs().px(ttl))
                .subscribe().with(ok -> guardSucceeded(), guard::failed);
    }

    /**
     * Forgets a code everywhere; call after the change is committed, from a worker thread. Waits (briefly) until
     * Redis has dropped its copy and the other instances have been told, so a change is in force everywhere by the
     * time the API call that made it returns. If Redis cannot be reached, the invalidation is retried until it lands.
     */
    public void invalidate(String code) {
        near.invalidate(code);
        if (redis == null) {
            return;
        }
        pendingInvalidations.add(code);
        if (!guard.shouldTry()) {
            return; // Redis just failed: maintain() retries
        }
        try {
            broadcastInvalidation(code).await().atMost(REDIS_TIMEOUT.multipliedBy(2));
        } catch (RuntimeException e) {
            // already recorded by broadcastInvalidation; maintain() retries
        }
    }

    private Uni<Void> broadcastInvalidation(String code) {
        return redis.key(String.class).del(KEY_PREFIX + code)
                .chain(() -> redis.pubsub(String.class).publish(INVALIDATION_CHANNEL, code))
                .ifNoItem().after(REDIS_TIMEOUT).fail()
                .invoke(() -> pendingInvalidations.remove(code))
                .onFailure().invoke(failure -> {
                    guard.failed(failure);
                    LOG.debugf("invalidation of %s deferred: %s", code, failure);
                })
                .replaceWithVoid();
    }

    void subscribe(@Observes StartupEvent start) {
        if (redis != null) {
            subscribeToInvalidations();
        }
    }

    void unsubscribe(@Observes ShutdownEvent stop) {
        ReactivePubSubCommands.ReactiveRedisSubscriber current = subscriber;
        if (current != null) {
            current.unsubscribe().subscribe().with(ok -> { }, failure -> { });
        }
    }

    /** Keeps the shared tier honest: retries deferred invalidations and re-subscribes after a Redis outage. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> maintain() {
        if (redis == null) {
            return Uni.createFrom().voidItem();
        }
        if (!subscribed) {
            subscribeToInvalidations();
        }
        List<String> pending = List.copyOf(pendingInvalidations);
        if (pending.isEmpty() || !guard.shouldTry()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(pending.stream().map(this::broadcastInvalidation).toList()).andCollectFailures()
                .replaceWithVoid().onFailure().recoverWithNull();
    }

    private void subscribeToInvalidations() {
        subscribed = true;
        redis.pubsub(String.class).subscribe(List.of(INVALIDATION_CHANNEL), near::invalidate, this::subscriptionLost, this::subscriptionFailed)
                .subscribe().with(s -> {
                    subscriber = s;
                    // Messages sent while we were not listening are gone: start from an empty near cache.
                    near.invalidateAll();
                }, this::subscriptionFailed);
    }

    private void subscriptionLost() {
        subscribed = false;
        near.invalidateAll();
    }

    private void subscriptionFailed(Throwable failure) {
        guard.failed(failure);
        subscriptionLost();
    }

    private void guardSucceeded() {
        if (guard.succeeded()) {
            // Back from an outage: invalidations may have been missed while unreachable.
            near.invalidateAll();
        }
    }

    /** For tests and operators: drop everything cached in this instance. */
    public void clearNear() {
        near.invalidateAll();
    }
}
