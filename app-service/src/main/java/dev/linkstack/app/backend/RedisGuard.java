package dev.linkstack.app.backend;

import io.vertx.core.http.ConnectionPoolTooBusyException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers that Redis just failed, so the hot paths skip it for a short back-off instead of paying a
 * connection error on every request; the redirect path then falls back to the database.
 * <p>
 * A full client-side connection pool is not a Redis failure: it is this instance's own back-pressure during a
 * burst (e.g. a cold in-process cache under load). Treating it as an outage would send the whole burst to the
 * database and, on recovery, empty the in-process cache again: a self-sustaining miss storm.
 */
@ApplicationScoped
public class RedisGuard {
    private static final Logger LOG = Logger.getLogger(RedisGuard.class);
    private static final long BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);

    private final AtomicLong skipUntil = new AtomicLong(System.nanoTime());
    private final AtomicBoolean down = new AtomicBoolean();

    public boolean shouldTry() {
        return System.nanoTime() - skipUntil.get() >= 0;
    }

    public void failed(Throwable failure) {
        if (isLocalBackPressure(failure)) {
            return;
        }
        skipUntil.set(System.nanoTime() + BACKOFF_NANOS);
        if (down.compareAndSet(false, true)) {
            LOG.warnf("Redis unavailable, falling back where possible: %s", failure.toString());
        }
    }

    /** Called after a command succeeded: true when that ends an outage (callers may need to resynchronise). */
    public boolean outageEnded() {
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.info("Redis available again");
            return true;
        }
        return false;
    }

    /** The pool's wait queue was full: Redis itself may be perfectly healthy. */
    static boolean isLocalBackPressure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectionPoolTooBusyException) {
                return true;
            }
        }
        return false;
    }

    public boolean isDown() {
        return down.get();
    }
}
