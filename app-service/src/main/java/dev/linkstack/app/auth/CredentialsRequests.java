package dev.linkstack.app.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The two kinds of credentials the API accepts. */
public final class CredentialsRequests {
    private CredentialsRequests() {
    }

    static final class SessionCookie extends BaseAuthenticationRequest {
        final String sessionId;

        SessionCookie(String sessionId) {
            this.sessionId = sessionId;
        }
    }

    public static final class BearerToken extends BaseAuthenticationRequest {
        public final String token;

        BearerToken(String token) {
            this.token = token;
        }
    }
}
