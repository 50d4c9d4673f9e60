package dev.linkstack.app.redirect;

import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.links.ShortCodes;
import dev.linkstack.platform.errors.ApiError;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

/**
 * {@code GET /{code}} for everything {@link CachedRedirectRoute} did not answer: codes not cached in this instance,
 * unknown, expired, blocked and reserved ones. Counts the click in memory (a visit's only: see {@link RedirectDecision.Purpose}).
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
    @APIResponse(responseCode = "302", description = "To the link's target (301 when REDIRECT_STATUS=301)",
            headers = @Header(name = "Location", description = "The target URL"))
    @APIResponse(responseCode = "404", description = "No link with this code, or it has expired or was deleted",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "410", description = "The link exists but an admin has blocked it",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "A prefetch (Sec-Purpose: prefetch): refused, so that only the visit itself"
            + " is counted; a HEAD request is answered like a GET and not counted",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "503", description = "This instance is shutting down (a proxy retries another one)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
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
        HttpServerRequest request = context.request();
        CachedLink near = seen == CachedLink.NOT_CACHED ? null : lookup.findNear(code);
        if (near != null) {
            return Uni.createFrom().item(respond(code, near, decision.decide(near, request)));
        }
        return lookup.findBeyondNear(code).map(link -> respond(code, link, decision.decide(link, request)));
    }

    private Response respond(String code, CachedLink link, RedirectDecision.Outcome outcome) {
        return switch (outcome) {
            case REDIRECT -> Response.status(status).header(HttpHeaders.LOCATION, link.url())
                    .header(HttpHeaders.CACHE_CONTROL, NO_CACHING).build();
            case CLOSING -> ApiError.response(503, "service_unavailable", "This instance is shutting down");
            case PREFETCH_REFUSED -> Response.fromResponse(ApiError.response(403, "prefetch_refused",
                    "Short links are not answered to prefetches; the visit itself is")).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
            case NOT_FOUND, EXPIRED -> unknown(code);
            case BLOCKED -> ApiError.response(410, "gone", "The link '" + code + "' has been blocked");
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
