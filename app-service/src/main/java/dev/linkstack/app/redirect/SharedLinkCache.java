package dev.linkstack.app.redirect;

import io.smallrye.mutiny.Uni;

import java.time.Duration;

/**
 * The cache tier shared by every instance (Redis in production; none with the memory backend). It tells this
 * instance's near tier what to drop through the {@link NearTier} it is {@linkplain #start started} with.
 */
public interface SharedLinkCache {

    /** What the shared tier can ask of the in-process tier. */
    interface NearTier {
        void drop(String code);

        void dropAll();
    }

    /** Emits the cached link, or null when it is not cached there or the tier is unusable (then ask the database). */
    Uni<CachedLink> get(String code);

    /** Stores a lookup result; fire-and-forget. */
    void put(String code, CachedLink link, Duration ttl);

    /** Forgets a code in the shared tier and in every other instance; waits briefly, retries later if it cannot. */
    void invalidate(String code);

    void start(NearTier near);

    void stop();

    /** Periodic upkeep: retries deferred invalidations, re-subscribes after an outage. */
    Uni<Void> maintain();

    /** The memory backend: one instance, nothing shared. */
    SharedLinkCache NONE = new SharedLinkCache() {
        @Override
        public Uni<CachedLink> get(String code) {
            return Uni.createFrom().nullItem();
        }

        @Override
        public void put(String code, CachedLink link, Duration ttl) {
        }

        @Override
        public void invalidate(String code) {
        }

        @Override
        public void start(NearTier near) {
        }

        @Override
        public void stop() {
        }

        @Override
        public Uni<Void> maintain() {
            return Uni.createFrom().voidItem();
        }
    };
}
