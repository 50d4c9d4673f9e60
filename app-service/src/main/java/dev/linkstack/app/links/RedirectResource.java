package dev.linkstack.app.links;

import dev.linkstack.app.cache.CachedLink;
import dev.linkstack.app.clicks.ClickCounter;
import dev.linkstack.app.config.AppConfig;
import dev.linkstack.platform.errors.ApiError;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The hot path: {@code GET /{code}} answers with a redirect, counting the click in memory. */
@Path("/")
@Tag(name = "redirect")
public class RedirectResource {
    /** Every click must reach us to be counted: no caching of the redirect by browsers or proxies. */
    static final String NO_CACHING = "private, max-age=0";

    private final RedirectLookup lookup;
    private final ClickCounter clicks;
    private final int status;
    private final RedirectMetrics metrics;

    RedirectResource(RedirectLookup lookup, ClickCounter clicks, AppConfig config, RedirectMetrics metrics) {
        this.lookup = lookup;
        this.clicks = clicks;
        this.status = redirectStatus(config);
        this.metrics = metrics;
    }

    /** The bare host sends people to their links (the dashboard asks them to sign in first). */
    @GET
    public Response home() {
        return Response.seeOther(java.net.URI.create("/dashboard")).build();
    }

    @GET
    @Path("{code}")
    public Uni<Response> redirect(@PathParam("code") String code) {
        if (!ShortCodes.couldExist(code)) {
            metrics.notFound.increment();
            return Uni.createFrom().item(unknown(code));
        }
        // Hot links are answered from the in-process cache without a Mutiny operator: each map() captures and
        // restores the request context, 2-3 % of the event loop in a JFR profile under bench/run load.
        CachedLink near = lookup.findNear(code);
        if (near != null) {
            return Uni.createFrom().item(respond(code, near));
        }
        return lookup.findBeyondNear(code).map(link -> respond(code, link));
    }

    private Response respond(String code, CachedLink link) {
        if (link.missing()) {
            metrics.notFound.increment();
            return unknown(code);
        }
        if (link.expiredAt(System.currentTimeMillis())) {
            metrics.expired.increment();
            return unknown(code);
        }
        if (!clicks.record(link.linkId())) {
            return ApiError.response(503, "service_unavailable", "This instance is shutting down");
        }
        metrics.redirected.increment();
        return Response.status(status).header(HttpHeaders.LOCATION, link.url())
                .header(HttpHeaders.CACHE_CONTROL, NO_CACHING).build();
    }

    /** 301 only when configured; 302 otherwise, so repeat clicks reach us and are counted. */
    static int redirectStatus(AppConfig config) {
        return config.redirect().status() == 301 ? 301 : 302;
    }

    private static Response unknown(String code) {
        return ApiError.response(404, "not_found", "No link with code '" + code + "'");
    }
}
