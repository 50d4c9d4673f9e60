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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The redirect cache shared by all instances, in Redis. Changes delete the Redis entry and are broadcast over Redis
 * pub/sub so every instance drops its in-process copy at once.
 * <p>
 * The cache is best-effort and gives way to the state kept beside it: on a Redis that never evicts (noeviction, the
 * policy for sessions and counters), a write refused for lack of memory is dropped, and the cache deletes a batch of
 * its own entries so that sessions and counters can still be written.
 */
class RedisLinkCache implements SharedLinkCache {
    private static final Logger LOG = Logger.getLogger(RedisLinkCache.class);
    private static final String KEY_PREFIX = "link:";
    static final String INVALIDATION_CHANNEL = "linkstack:link-invalidations";
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);
    /** Entries looked at (and deleted) each time a full Redis refuses a cache write. */
    static final int ENTRIES_FREED_PER_REFUSAL = 1000;
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
    private final AtomicBoolean freeingRoom = new AtomicBoolean();
    private final AtomicBoolean warnedFull = new AtomicBoolean();
    private volatile String freeCursor = "0";

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
                .subscribe().with(ok -> resynchroniseAfterOutage(), this::putFailed);
    }

    private void putFailed(Throwable failure) {
        if (!isOutOfMemory(failure)) {
            guard.failed(failure);
            return;
        }
        // Redis is reachable but full and evicts nothing: not an outage. This entry stays uncached (the redirect was
        // answered all the same) and older entries make room for sessions and counters.
        if (warnedFull.compareAndSet(false, true)) {
            LOG.warn("Redis is full and evicts nothing (noeviction): the redirect cache drops entries to leave room for"
                    + " sessions and counters; give the cache a Redis of its own (REDIS_CACHE_URL) or more memory");
        }
        freeRoom();
    }

    /** Redis refused a command that needs memory: over maxmemory with the noeviction policy. */
    static boolean isOutOfMemory(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (String.valueOf(cause.getMessage()).startsWith("OOM ")) {
                return true;
            }
        }
        return false;
    }

    /** Deletes a batch of cache entries in the background; one batch at a time. */
    private void freeRoom() {
        if (freeingRoom.compareAndSet(false, true)) {
            makeRoom().eventually(() -> freeingRoom.set(false)).subscribe().with(ok -> { }, failure -> { });
        }
    }

    /**
     * Deletes a batch of cache entries (one SCAN step onward from the last), so that a write refused by a full Redis
     * that evicts nothing can be tried again. Never fails: the room it could not make is simply not there.
     */
    Uni<Void> makeRoom() {
        return redis.execute("SCAN", freeCursor, "MATCH", KEY_PREFIX + "*", "COUNT", String.valueOf(ENTRIES_FREED_PER_REFUSAL))
                .chain(page -> {
                    freeCursor = page.get(0).toString();
                    List<String> keys = new ArrayList<>();
                    page.get(1).forEach(key -> keys.add(key.toString()));
                    return keys.isEmpty() ? Uni.createFrom().item(0) : redis.key(String.class).unlink(keys.toArray(String[]::new));
                })
                .ifNoItem().after(REDIS_TIMEOUT).fail()
                .invoke(freed -> LOG.debugf("redirect cache: %d entries deleted to make room in a full Redis", freed))
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("redirect cache: could not make room: %s", failure);
                    return 0;
                })
                .replaceWithVoid();
    }

    /**
     * Runs a write of state (a session, a counter); refused by a full Redis that evicts nothing, it is tried once more
     * after {@link #makeRoom()}. Where the cache has a Redis of its own, that frees nothing for the state's Redis and
     * the second refusal stands: the state alone fills it.
     */
    <T> Uni<T> withRoomFromCache(java.util.function.Supplier<Uni<T>> write) {
        return write.get().onFailure(RedisLinkCache::isOutOfMemory).recoverWithUni(full -> makeRoom().chain(write::get));
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
