package dev.linkstack.app.redirect;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.util.concurrent.atomic.LongAdder;

/** Redirect outcomes, one set for both layers that answer redirects ({@link CachedRedirectRoute}, {@link RedirectResource}). */
@Singleton // no client proxy: the hot path reads its fields directly
public class RedirectMetrics {
    private static final String NAME = "linkstack.redirects";
    private static final String DESCRIPTION = "Requests for short codes, by outcome";

    final LongAdder redirected;
    final LongAdder notFound;
    final LongAdder expired;
    final LongAdder blocked;
    /** HEAD requests of live links: answered like a GET, not counted. */
    final LongAdder head;
    final LongAdder prefetchRefused;
    /** Requests of links with a password, answered with the form that asks for it. */
    final LongAdder locked;
    final LongAdder wrongPassword;

    RedirectMetrics(MeterRegistry registry) {
        redirected = HotPathCounters.register(registry, NAME, DESCRIPTION, "outcome", "redirected");
        notFound = HotPathCounters.register(registry, NAME, DESCRIPTION, "outcome", "not_found");
        expired = HotPathCounters.register(registry, NAME, DESCRIPTION, "outcome", "expired");
        blocked = HotPathCounters.register(registry, NAME, DESCRIPTION, "outcome", "blocked");
        head = HotPathCounters.register(registry, NAME, DESCRIPTION, "outcome", "head");
        prefetchRefused = HotPathCounters.register(registry, NAME, DESCRIPTION, "outcome", "prefetch_refused");
        locked = HotPathCounters.register(registry, NAME, DESCRIPTION, "outcome", "password_asked");
        wrongPassword = HotPathCounters.register(registry, NAME, DESCRIPTION, "outcome", "wrong_password");
    }
}
