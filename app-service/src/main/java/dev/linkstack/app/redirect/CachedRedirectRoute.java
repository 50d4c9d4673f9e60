package dev.linkstack.app.redirect;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.links.ShortCodes;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The hottest path, answered on the router: a code found in the in-process cache is redirected right here on the
 * event loop, before authentication, REST dispatch and the request context, which cost a third of the throughput
 * of a bare endpoint (bench/run, c/d). Anything else — a miss, an expired or unknown code, a reserved name — goes on
 * to {@link RedirectResource}, with what was found here so that nothing is looked up or decided twice.
 */
@Singleton
public class CachedRedirectRoute {
    /** Before Quarkus's authentication handlers; after its body and header handlers. */
    static final int ORDER = -1000;
    /** Routing-context key: the {@link RedirectDecision.Outcome} decided here, or {@link CachedLink#NOT_CACHED}. */
    static final String SEEN = "linkstack.redirect.seen";
    private static final CharSequence CACHE_CONTROL_VALUE = HttpHeaders.createOptimized(RedirectResource.NO_CACHING);

    private final RedirectLookup lookup;
    private final RedirectDecision decision;
    private final ShortCodes codes;
    private final int status;

    CachedRedirectRoute(RedirectLookup lookup, RedirectDecision decision, ShortCodes codes, AppConfig config) {
        this.lookup = lookup;
        this.decision = decision;
        this.codes = codes;
        this.status = RedirectResource.redirectStatus(config);
    }

    void register(@Observes Router router) {
        // No path pattern: Vert.x would match "/:code" with a regular expression and fill a parameter map for every
        // request; a plain look at the path is enough here.
        router.route().order(ORDER).handler(this::redirectIfCached);
    }

    void redirectIfCached(RoutingContext context) {
        HttpMethod method = context.request().method();
        String code = method == HttpMethod.GET || method == HttpMethod.HEAD ? singleSegment(context.normalizedPath()) : null;
        if (code != null && ShortCodes.couldExist(code) && !codes.isReserved(code)) {
            CachedLink link = lookup.findNear(code);
            if (link == null) {
                context.put(SEEN, CachedLink.NOT_CACHED);
            } else {
                RedirectDecision.Outcome outcome = decision.decide(link, context.request());
                if (outcome == RedirectDecision.Outcome.REDIRECT) {
                    context.response().setStatusCode(status)
                            .putHeader(HttpHeaders.LOCATION, link.url())
                            .putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL_VALUE)
                            .end();
                    return;
                }
                context.put(SEEN, outcome); // the resource answers it in the API's error format
            }
        }
        context.next();
    }

    /** "abc" for "/abc"; null for "/", "/a/b" and anything else that is not one path segment. */
    static String singleSegment(String path) {
        if (path == null || path.length() < 2 || path.charAt(0) != '/' || path.indexOf('/', 1) >= 0) {
            return null;
        }
        return path.substring(1);
    }
}
