package dev.linkstack.app.backend;

import dev.linkstack.app.redirect.CachedLink;
import dev.linkstack.app.redirect.SharedLinkCache;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.redis.datasource.string.ReactiveStringCommands;
import io.quarkus.redis.datasource.string.SetArgs;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The redirect cache shared by all instances, in Redis. Changes delete the Redis entry and are broadcast over Redis
 * pub/sub so every instance drops its in-process copy at once.
 */
class RedisLinkCache implements SharedLinkCache {
    private static final Logger LOG = Logger.getLogger(RedisLinkCache.class);
    private static final String KEY_PREFIX = "link:";
    static final String INVALIDATION_CHANNEL = "linkstack:link-invalidations";
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);
    private static final NearTier NOBODY = new NearTier() {
        @Override
        public void drop(String code) {
        }

        @Override
        public void dropAll() {
        }
    };

    private final ReactiveRedisDataSource redis;
    private final ReactiveStringCommands<String, String> strings;
    private final RedisGuard guard;
    /** Invalidations that could not reach Redis yet; retried until they do. */
    private final Set<String> pendingInvalidations = ConcurrentHashMap.newKeySet();
    private volatile NearTier near = NOBODY;
    private volatile boolean subscribed;
    private volatile ReactivePubSubCommands.ReactiveRedisSubscriber subscriber;

    RedisLinkCache(ReactiveRedisDataSource redis, RedisGuard guard) {
        this.redis = redis;
        this.strings = redis.string(String.class);
        this.guard = guard;
    }

    @Override
    public Uni<CachedLink> get(String code) {
        if (!guard.shouldTry()) {
            return Uni.createFrom().nullItem();
        }
        return strings.get(KEY_PREFIX + code)
                .ifNoItem().after(REDIS_TIMEOUT).fail()
                .map(value -> {
                    resynchroniseAfterOutage();
                    return value == null ? null : CachedLink.decode(value);
                })
                .onFailure().recoverWithItem(failure -> {
                    guard.failed(failure);
                    return null;
                });
    }

    @Override
    public void put(String code, CachedLink link, Duration ttl) {
        if (!guard.shouldTry() || pendingInvalidations.contains(code)) {
            return;
        }
        strings.set(KEY_PREFIX + code, link.encode(), new SetArgs().px(ttl))
                .subscribe().with(ok -> resynchroniseAfterOutage(), guard::failed);
    }

    /**
     * Call after the change is committed, from a worker thread. Waits (briefly) until Redis has dropped its copy and
     * the other instances have been told, so a change is in force everywhere by the time the API call that made it
     * returns. If Redis cannot be reached, the invalidation is retried until it lands.
     */
    @Override
    public void invalidate(String code) {
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

    @Override
    public void start(NearTier near) {
        this.near = near;
        subscribeToInvalidations();
    }

    @Override
    public void stop() {
        ReactivePubSubCommands.ReactiveRedisSubscriber current = subscriber;
        if (current != null) {
            current.unsubscribe().subscribe().with(ok -> { }, failure -> { });
        }
    }

    @Override
    public Uni<Void> maintain() {
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
        redis.pubsub(String.class).subscribe(List.of(INVALIDATION_CHANNEL), code -> near.drop(code), this::subscriptionLost, this::subscriptionFailed)
                .subscribe().with(s -> {
                    subscriber = s;
                    // Messages sent while we were not listening are gone: start from an empty near cache.
                    near.dropAll();
                }, this::subscriptionFailed);
    }

    private void subscriptionLost() {
        subscribed = false;
        near.dropAll();
    }

    private void subscriptionFailed(Throwable failure) {
        guard.failed(failure);
        subscriptionLost();
    }

    private void resynchroniseAfterOutage() {
        if (guard.outageEnded()) {
            // Back from an outage: invalidations may have been missed while unreachable.
            near.dropAll();
        }
    }
}
