package dev.linkstack.app.redirect;

import dev.linkstack.app.auth.CredentialThrottle;
import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.links.ShortCodes;
import dev.linkstack.app.links.ShortUrls;
import dev.linkstack.platform.errors.ApiError;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestForm;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

/**
 * {@code GET /{code}} for everything {@link CachedRedirectRoute} did not answer: codes not cached in this instance,
 * unknown, expired, blocked and reserved ones, and links with a password (a form that posts it to {@code POST /{code}}).
 * Counts the click in memory (a visit's only: see {@link RedirectDecision.Purpose}). {@code GET /{code}+} previews a
 * link without following it.
 */
@Path("/")
@Tag(name = "redirect")
public class RedirectResource {
    /** Every click must reach us to be counted: no caching of the redirect by browsers or proxies. */
    static final String NO_CACHING = "private, max-age=0";

    private static final String PREVIEW_SUFFIX = "+";
    private static final String WRONG_PASSWORD = "Wrong password, try again";
    private static final int MAX_REFERRER = 2048;

    private final RedirectLookup lookup;
    private final RedirectDecision decision;
    private final LinkUnlock unlock;
    private final VisitorCsrf csrf;
    private final ShortCodes codes;
    private final ShortUrls shortUrls;
    private final int status;

    RedirectResource(RedirectLookup lookup, RedirectDecision decision, LinkUnlock unlock, VisitorCsrf csrf, ShortCodes codes,
                     ShortUrls shortUrls, AppConfig config) {
        this.lookup = lookup;
        this.decision = decision;
        this.unlock = unlock;
        this.csrf = csrf;
        this.codes = codes;
        this.shortUrls = shortUrls;
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
    @APIResponse(responseCode = "200", description = "The link has a password: a form asking for it (posted to POST /{code})."
            + " Also GET /{code}+ (the code and a '+'), the preview: a page with the short URL, the target (not for a link with a"
            + " password) and a Continue link to GET /{code}; not counted; unknown or expired 404, blocked 410",
            content = @Content(mediaType = "text/html"))
    @APIResponse(responseCode = "404", description = "No link with this code, or it has expired or was deleted",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "410", description = "The link exists but an admin has blocked it",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "A prefetch (Sec-Purpose: prefetch): refused, so that only the visit itself"
            + " is counted; a HEAD request is answered like a GET and not counted",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "503", description = "This instance is shutting down (a proxy retries another one)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Uni<Response> redirect(@PathParam("code") String code, @Context RoutingContext context, @Context UriInfo uriInfo) {
        if (!ShortCodes.couldExist(code)) {
            if (code.endsWith(PREVIEW_SUFFIX)) { // never a valid code: costs nothing on the redirect of one
                return preview(code.substring(0, code.length() - PREVIEW_SUFFIX.length()), uriInfo);
            }
            decision.unknown();
            return Uni.createFrom().item(unknown(code));
        }
        Object seen = context.get(CachedRedirectRoute.SEEN);
        if (seen instanceof RedirectDecision.Outcome decided) {
            return Uni.createFrom().item(respond(code, null, decided, context));
        }
        // Hot links are answered from the in-process cache without a Mutiny operator: each map() captures and
        // restores the request context, 2-3 % of the event loop in a JFR profile under bench/run load.
        HttpServerRequest request = context.request();
        CachedLink near = seen == CachedLink.NOT_CACHED ? null : lookup.findNear(code);
        if (near != null) {
            return Uni.createFrom().item(respond(code, near, decision.decide(near, request), context));
        }
        return lookup.findBeyondNear(code).map(link -> respond(code, link, decision.decide(link, request), context));
    }

    /** The password form's answer: checked off the event loop (bcrypt), throttled, counted as a visit when right. */
    @POST
    @Path("{code}")
    @Blocking
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @APIResponse(responseCode = "303", description = "The password is right: to the link's target (counted as a visit)",
            headers = @Header(name = "Location", description = "The target URL"))
    @APIResponse(responseCode = "401", description = "Wrong password: the form again, with the error", content = @Content(mediaType = "text/html"))
    @APIResponse(responseCode = "429", description = "Too many wrong passwords for this link or from this address; even the right one"
            + " waits until the window ends", headers = @Header(name = "Retry-After", description = "Seconds to wait"),
            content = @Content(mediaType = "text/html"))
    @APIResponse(responseCode = "404", description = "No link with this code, or it has expired",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "410", description = "The link has been blocked",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response unlock(@PathParam("code") String code, @RestForm String password, @RestForm String referrer,
                           @Context RoutingContext context) {
        String cameFrom = referrerOrNull(referrer);
        if (!ShortCodes.couldExist(code) || codes.isReserved(code)) {
            decision.unknown();
            return unknown(code);
        }
        LinkUnlock.Attempt attempt;
        try {
            attempt = unlock.attempt(code, password, CredentialThrottle.clientAddress(context.request()));
        } catch (CredentialThrottle.TooManyAttempts e) {
            return Response.fromResponse(page(429, RedirectPages.unlock(code, csrf.token(context), e.getMessage(), cameFrom)))
                    .header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds()).build();
        }
        if (!attempt.unlocked()) {
            decision.wrongPassword();
            return page(401, RedirectPages.unlock(code, csrf.token(context), WRONG_PASSWORD, cameFrom));
        }
        RedirectDecision.Outcome outcome = decision.decideUnlocked(attempt.link(), context.request(), cameFrom);
        if (outcome == RedirectDecision.Outcome.REDIRECT) {
            // 303: the browser follows a POST's redirect with a GET of the target
            return Response.seeOther(URI.create(attempt.link().url())).header(HttpHeaders.CACHE_CONTROL, NO_CACHING).build();
        }
        return respond(code, attempt.link(), outcome, context);
    }

    /**
     * {@code GET /{code}+}: where a link goes, as a page with a link to follow it; not a visit (that is the Continue
     * link). Reached through {@link #redirect}: JAX-RS would prefer the plain {@code {code}} template to one with a
     * suffix, and the '+' keeps the path off the router's fast path, which takes valid codes only.
     */
    private Uni<Response> preview(String code, UriInfo uriInfo) {
        if (!ShortCodes.couldExist(code) || codes.isReserved(code)) {
            return Uni.createFrom().item(unknown(code));
        }
        CachedLink near = lookup.findNear(code);
        Uni<CachedLink> found = near != null ? Uni.createFrom().item(near) : lookup.findBeyondNear(code);
        return found.map(link -> {
            if (link.blocked()) {
                return blocked(code);
            }
            if (link.missing() || link.expiredAt(System.currentTimeMillis())) {
                return unknown(code);
            }
            return page(200, RedirectPages.preview(code, shortUrls.of(code, uriInfo), link.locked() ? null : link.url(), link.locked()));
        });
    }

    private Response respond(String code, CachedLink link, RedirectDecision.Outcome outcome, RoutingContext context) {
        return switch (outcome) {
            case REDIRECT -> Response.status(status).header(HttpHeaders.LOCATION, link.url())
                    .header(HttpHeaders.CACHE_CONTROL, NO_CACHING).build();
            case CLOSING -> ApiError.response(503, "service_unavailable", "This instance is shutting down");
            case PREFETCH_REFUSED -> Response.fromResponse(ApiError.response(403, "prefetch_refused",
                    "Short links are not answered to prefetches; the visit itself is")).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
            case NOT_FOUND, EXPIRED -> unknown(code);
            case BLOCKED -> blocked(code);
            case LOCKED -> page(200, RedirectPages.unlock(code, csrf.token(context), null,
                    referrerOrNull(context.request().getHeader(io.vertx.core.http.HttpHeaders.REFERER))));
        };
    }

    /** A referrer worth carrying through the password form: only its domain is ever counted, so a long one is dropped. */
    private static String referrerOrNull(String referrer) {
        return referrer == null || referrer.isBlank() || referrer.length() > MAX_REFERRER ? null : referrer;
    }

    /** Rendered here, not by a writer: the page is small and the redirect path answers from the event loop. */
    private static Response page(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page.render()).build();
    }

    private static Response blocked(String code) {
        return ApiError.response(410, "gone", "The link '" + code + "' has been blocked");
    }

    /** 301 only when configured; 302 otherwise, so repeat clicks reach us and are counted. */
    static int redirectStatus(AppConfig config) {
        return config.redirect().status() == 301 ? 301 : 302;
    }

    private static Response unknown(String code) {
        return ApiError.response(404, "not_found", "No link with code '" + code + "'");
    }
}
