package dev.linkstack.app.redirect;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.links.ShortCodes;
import dev.linkstack.platform.errors.ApiError;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

/**
 * {@code GET /{code}} for everything {@link CachedRedirectRoute} did not answer: codes not cached in this instance,
 * unknown, expired and reserved ones, HEAD requests. Counts the click in memory.
 */
@Path("/")
@Tag(name = "redirect")
public class RedirectResource {
    /** Every click must reach us to be counted: no caching of the redirect by browsers or proxies. */
    static final String NO_CACHING = "private, max-age=0";

    private final RedirectLookup lookup;
    private final RedirectDecision decision;
    private final int status;

    RedirectResource(RedirectLookup lookup, RedirectDecision decision, AppConfig config) {
        this.lookup = lookup;
        this.decision = decision;
        this.status = redirectStatus(config);
    }

    /** The bare host sends people to their links (the dashboard asks them to sign in first). */
    @GET
    public Response home() {
        return Response.seeOther(URI.create("/dashboard")).build();
    }

    @GET
    @Path("{code}")
    public Uni<Response> redirect(@PathParam("code") String code, @Context RoutingContext context) {
        if (!ShortCodes.couldExist(code)) {
            decision.unknown();
            return Uni.createFrom().item(unknown(code));
        }
        Object seen = context.get(CachedRedirectRoute.SEEN);
        if (seen instanceof RedirectDecision.Outcome decided) {
            return Uni.createFrom().item(respond(code, null, decided));
        }
        // Hot links are answered from the in-process cache without a Mutiny operator: each map() captures and
        // restores the request context, 2-3 % of the event loop in a JFR profile under bench/run load.
        CachedLink near = seen == CachedLink.NOT_CACHED ? null : lookup.findNear(code);
        if (near != null) {
            return Uni.createFrom().item(respond(code, near, decision.decide(near)));
        }
        return lookup.findBeyondNear(code).map(link -> respond(code, link, decision.decide(link)));
    }

    private Response respond(String code, CachedLink link, RedirectDecision.Outcome outcome) {
        return switch (outcome) {
            case REDIRECT -> Response.status(status).header(HttpHeaders.LOCATION, link.url())
                    .header(HttpHeaders.CACHE_CONTROL, NO_CACHING).build();
            case CLOSING -> ApiError.response(503, "service_unavailable", "This instance is shutting down");
            case NOT_FOUND, EXPIRED -> unknown(code);
        };
    }

    /** 301 only when configured; 302 otherwise, so repeat clicks reach us and are counted. */
    static int redirectStatus(AppConfig config) {
        return config.redirect().status() == 301 ? 301 : 302;
    }

    private static Response unknown(String code) {
        return ApiError.response(404, "not_found", "No link with code '" + code + "'");
    }
}
