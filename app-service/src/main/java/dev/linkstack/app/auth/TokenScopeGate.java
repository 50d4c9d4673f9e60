package dev.linkstack.app.auth;

import dev.linkstack.platform.errors.ApiError;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.AnnotatedElement;

/**
 * Holds every {@code /api} call made with an API token to the scope its endpoint declares ({@link RequiresScope},
 * {@link SessionsOnly}); one place, so no endpoint can forget the check. Sessions pass untouched, and so do the pages,
 * which serve sessions only anyway. A refusal is a 403 whose message names the scope needed.
 */
public class TokenScopeGate {
    /** The identity attribute with the {@link TokenScope} of a token; sessions have none. */
    public static final String TOKEN_SCOPE = "tokenScope";

    private final CurrentIdentityAssociation identities;

    TokenScopeGate(CurrentIdentityAssociation identities) {
        this.identities = identities;
    }

    @ServerRequestFilter
    public Uni<Response> holdTokensToTheirScope(HttpServerRequest request, ResourceInfo resource) {
        if (!SessionOrTokenAuthentication.isBearer(request.getHeader("Authorization")) || !isApi(resource)) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity()
                // An unknown or expired token is the endpoint's own business (401 where it needs a user), as before.
                .onFailure(AuthenticationFailedException.class).recoverWithNull()
                .map(identity -> refusal(identity, resource));
    }

    private static Response refusal(SecurityIdentity identity, ResourceInfo resource) {
        if (identity == null || !(identity.getAttribute(TOKEN_SCOPE) instanceof TokenScope scope)) {
            return null;
        }
        SessionsOnly sessionsOnly = declared(resource, SessionsOnly.class);
        RequiresScope required = declared(resource, RequiresScope.class);
        if (sessionsOnly != null || required == null) {
            String reason = sessionsOnly != null ? sessionsOnly.value() : "This endpoint accepts a signed-in session only";
            return ApiError.response(403, "session_required", reason);
        }
        TokenScope needed = required.value();
        if (scope.includes(needed)) {
            return null;
        }
        String message = "This needs an API token with scope " + acceptedScopes(needed) + "; this token has scope " + scope.value();
        return Response.fromResponse(ApiError.response(403, "insufficient_scope", message))
                .header("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + needed.value() + "\"").build();
    }

    /**
     * By the endpoint the request reached, not by the path as the client spelled it: {@code /./api/links/x} and
     * {@code //api/links/x} reach the same endpoint as {@code /api/links/x}, and Nginx passes them on as sent.
     */
    private static boolean isApi(ResourceInfo resource) {
        Class<?> type = resource.getResourceClass();
        Path path = type == null ? null : type.getAnnotation(Path.class);
        return path != null && (path.value().equals("/api") || path.value().startsWith("/api/"));
    }

    /** The method's own rule, else its class's. */
    private static <A extends java.lang.annotation.Annotation> A declared(ResourceInfo resource, Class<A> type) {
        A onMethod = annotation(resource.getResourceMethod(), type);
        return onMethod != null ? onMethod : annotation(resource.getResourceClass(), type);
    }

    private static <A extends java.lang.annotation.Annotation> A annotation(AnnotatedElement element, Class<A> type) {
        return element == null ? null : element.getAnnotation(type);
    }

    private static String acceptedScopes(TokenScope needed) {
        StringBuilder names = new StringBuilder();
        for (TokenScope scope : TokenScope.values()) {
            if (scope.includes(needed)) {
                names.append(names.isEmpty() ? "" : " or ").append(scope.value());
            }
        }
        return names.toString();
    }
}
