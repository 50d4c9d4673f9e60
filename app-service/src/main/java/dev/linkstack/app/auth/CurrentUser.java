package dev.linkstack.app.auth;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;

/** The signed-in user of the current request, however they authenticated. */
@RequestScoped
public class CurrentUser {
    public static final String USER_ID = "userId";
    public static final String AUTH_METHOD = "authMethod";
    /** The {@link #AUTH_METHOD} of a session cookie ("token" for an API token). */
    public static final String BY_SESSION = "session";
    /** The {@link #AUTH_METHOD} of an API token. */
    public static final String BY_TOKEN = "token";

    private final SecurityIdentity identity;

    CurrentUser(SecurityIdentity identity) {
        this.identity = identity;
    }

    public long id() {
        Long id = identity.getAttribute(USER_ID);
        if (id == null) {
            throw new io.quarkus.security.UnauthorizedException();
        }
        return id;
    }

    public String username() {
        return identity.getPrincipal().getName();
    }

    public boolean isAdmin() {
        return identity.hasRole(User.ROLE_ADMIN);
    }

    public String authMethod() {
        return identity.getAttribute(AUTH_METHOD);
    }

    /** The scope of the API token the request came with; empty for a session. */
    public java.util.Optional<TokenScope> tokenScope() {
        return java.util.Optional.ofNullable(identity.getAttribute(TokenScopeGate.TOKEN_SCOPE));
    }
}
