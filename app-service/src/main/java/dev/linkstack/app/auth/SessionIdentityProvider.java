package dev.linkstack.app.auth;

import dev.linkstack.app.session.Session;
import dev.linkstack.app.session.SessionManager;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Resolves a session cookie without touching the database: the session carries id, name and role. */
@ApplicationScoped
public class SessionIdentityProvider implements IdentityProvider<CredentialsRequests.SessionCookie> {
    private final SessionManager sessions;

    SessionIdentityProvider(SessionManager sessions) {
        this.sessions = sessions;
    }

    @Override
    public Class<CredentialsRequests.SessionCookie> getRequestType() {
        return CredentialsRequests.SessionCookie.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(CredentialsRequests.SessionCookie request, AuthenticationRequestContext context) {
        return sessions.resolve(request.sessionId).map(found -> {
            Session session = found.orElseThrow(AuthenticationFailedException::new);
            return identity(session.userId(), session.username(), session.role(), CurrentUser.BY_SESSION);
        });
    }

    public static SecurityIdentity identity(long userId, String username, String role, String method) {
        return builder(userId, username, role, method).build();
    }

    /** An API token's identity: its owner, limited to the token's scope ({@link TokenScopeGate}). */
    public static SecurityIdentity tokenIdentity(long userId, String username, String role, TokenScope scope) {
        return builder(userId, username, role, CurrentUser.BY_TOKEN).addAttribute(TokenScopeGate.TOKEN_SCOPE, scope).build();
    }

    private static QuarkusSecurityIdentity.Builder builder(long userId, String username, String role, String method) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(username))
                .addRole(role)
                .addAttribute(CurrentUser.USER_ID, userId)
                .addAttribute(CurrentUser.AUTH_METHOD, method);
    }
}
