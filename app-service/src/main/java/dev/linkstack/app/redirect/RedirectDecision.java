package dev.linkstack.app.redirect;

import dev.linkstack.app.clicks.ClickCounter;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;

/**
 * What a request for a known code gets, decided once for both layers that answer redirects ({@link
 * CachedRedirectRoute} on the router, {@link RedirectResource} behind it): the click is counted and the outcome
 * recorded in {@link RedirectMetrics} here, and nowhere else. Blocked, unknown and expired links answer the same
 * whatever the request is for; a live one counts a click only for a {@link Purpose#VISIT}.
 */
@Singleton // no client proxy: the hot path calls it directly
public class RedirectDecision {
    private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
    public enum Outcome {
        REDIRECT, NOT_FOUND, EXPIRED,
        /** An admin blocked the link: 410, so clients and crawlers learn it is gone for good, not mistyped. */
        BLOCKED,
        /** The instance is stopping and no longer counts clicks: 503, which Nginx retries on another instance. */
        CLOSING,
        /**
         * A browser's speculative fetch: refused (403), so the browser drops it and the visit, if it happens, comes
         * as a request of its own and is counted then. Answering it would either count a visit that may never happen
         * or, when the browser later uses the prefetched answer, miss one that did.
         */
        PREFETCH_REFUSED,
        /** The link has a password: the visitor is asked for it (200, a form); nothing is counted until it is given. */
        LOCKED
    }

    /** Only a visit is a click: a HEAD asks about the link without following it, a prefetch may never be used. */
    public enum Purpose {
        VISIT, HEAD, PREFETCH;
        // Header names with their hash computed once: looked up on every redirect.
        private static final CharSequence SEC_PURPOSE = HttpHeaders.createOptimized("Sec-Purpose");
        private static final CharSequence PURPOSE = HttpHeaders.createOptimized("Purpose");
        private static final CharSequence X_PURPOSE = HttpHeaders.createOptimized("X-Purpose");
        private static final CharSequence X_MOZ = HttpHeaders.createOptimized("X-Moz");

        /** Sec-Purpose (the standard), and the older Purpose, X-Purpose and X-Moz headers browsers sent before it. */
        static Purpose of(HttpServerRequest request) {
            if (request.method() == HttpMethod.HEAD) {
                return HEAD;
            }
            return speculative(request.getHeader(SEC_PURPOSE)) || speculative(request.getHeader(PURPOSE))
                    || speculative(request.getHeader(X_PURPOSE)) || speculative(request.getHeader(X_MOZ)) ? PREFETCH : VISIT;
        }

        private static boolean speculative(String value) {
            return value != null && (containsIgnoreCase(value, "prefetch") || containsIgnoreCase(value, "preview"));
        }

        private static boolean containsIgnoreCase(String value, String word) {
            for (int i = 0; i + word.length() <= value.length(); i++) {
                if (value.regionMatches(true, i, word, 0, word.length())) {
                    return true;
                }
            }
            return false;
        }
    }

    private final ClickCounter clicks;
    private final RedirectMetrics metrics;

    RedirectDecision(ClickCounter clicks, RedirectMetrics metrics) {
        this.clicks = clicks;
        this.metrics = metrics;
    }

    Outcome decide(CachedLink link, HttpServerRequest request) {
        return decide(link, request, false, null);
    }

    /**
     * After the visitor gave the link's password: answered and counted like an open link, as coming from
     * {@code referrer}, where the visitor was before the form (null: direct), since the request's own Referer is the form.
     */
    Outcome decideUnlocked(CachedLink link, HttpServerRequest request, String referrer) {
        return decide(link, request, true, referrer);
    }

    private Outcome decide(CachedLink link, HttpServerRequest request, boolean unlocked, String formReferrer) {
        Purpose purpose = Purpose.of(request);
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
        if (link.locked() && !unlocked) {
            metrics.locked.increment();
            return Outcome.LOCKED;
        }
        if (purpose == Purpose.PREFETCH) {
            metrics.prefetchRefused.increment();
            return Outcome.PREFETCH_REFUSED;
        }
        if (purpose == Purpose.HEAD) {
            metrics.head.increment();
            return Outcome.REDIRECT;
        }
        // The headers are only referenced here; parsing them, and finding the client's address behind a trusted proxy,
        // waits for the classification, off the event loop. (The request's own remoteAddress() would parse every
        // forwarded header now.)
        if (!clicks.record(link.linkId(), request.getHeader(HttpHeaders.USER_AGENT), unlocked ? formReferrer : request.getHeader(HttpHeaders.REFERER),
                request.connection().remoteAddress(), request.getHeader(X_FORWARDED_FOR))) {
            return Outcome.CLOSING;
        }
        metrics.redirected.increment();
        return Outcome.REDIRECT;
    }

    /** A wrong password given for a link. */
    void wrongPassword() {
        metrics.wrongPassword.increment();
    }

    /** A path that can never be a stored code. */
    void unknown() {
        metrics.notFound.increment();
    }
}
