package dev.linkstack.app.auth;

import dev.linkstack.app.session.SessionManager;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Reads credentials from {@code Authorization: Bearer <token>} or the session cookie. A bearer header wins
 * when both are sent, so scripts behave the same in a browser that also holds a session.
 */
@ApplicationScoped
public class SessionOrTokenAuthentication implements HttpAuthenticationMechanism {
    private static final String BEARER = "Bearer ";
    private final SessionManager sessions;

    SessionOrTokenAuthentication(SessionManager sessions) {
        this.sessions = sessions;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String authorization = context.request().getHeader("Authorization");
        if (isBearer(authorization)) {
            return identityProviderManager.authenticate(new CredentialsRequests.BearerToken(authorization.substring(BEARER.length()).trim()));
        }
        Cookie cookie = context.request().getCookie(sessions.cookieName());
        if (cookie != null && !cookie.getValue().isEmpty()) {
            return identityProviderManager.authenticate(new CredentialsRequests.SessionCookie(cookie.getValue()));
        }
        return Uni.createFrom().nullItem();
    }

    /** Whether an Authorization header carries an API token (the scheme is case-insensitive). */
    static boolean isBearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(CredentialsRequests.SessionCookie.class, CredentialsRequests.BearerToken.class);
    }
}
