package dev.linkstack.app.redirect;

import dev.linkstack.app.clicks.ClickCounter;
import jakarta.inject.Singleton;

/**
 * What a request for a known code gets, decided once for both layers that answer redirects ({@link
 * CachedRedirectRoute} on the router, {@link RedirectResource} behind it): the click is counted and the outcome
 * recorded in {@link RedirectMetrics} here, and nowhere else.
 */
@Singleton // no client proxy: the hot path calls it directly
public class RedirectDecision {
    public enum Outcome {
        REDIRECT, NOT_FOUND, EXPIRED,
        /** An admin blocked the link: 410, so clients and crawlers learn it is gone for good, not mistyped. */
        BLOCKED,
        /** The instance is stopping and no longer counts clicks: 503, which Nginx retries on another instance. */
        CLOSING
    }

    private final ClickCounter clicks;
    private final RedirectMetrics metrics;

    RedirectDecision(ClickCounter clicks, RedirectMetrics metrics) {
        this.clicks = clicks;
        this.metrics = metrics;
    }

    Outcome decide(CachedLink link) {
        if (link.blocked()) {
            metrics.blocked.increment();
            return Outcome.BLOCKED;
        }
        if (link.missing()) {
            metrics.notFound.increment();
            return Outcome.NOT_FOUND;
        }
        if (link.expiredAt(System.currentTimeMillis())) {
            metrics.expired.increment();
            return Outcome.EXPIRED;
        }
        if (!clicks.record(link.linkId())) {
            return Outcome.CLOSING;
        }
        metrics.redirected.increment();
        return Outcome.REDIRECT;
    }

    /** A path that can never be a stored code. */
    void unknown() {
        metrics.notFound.increment();
    }
}
