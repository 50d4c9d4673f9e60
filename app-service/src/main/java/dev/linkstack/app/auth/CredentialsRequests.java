package dev.linkstack.app.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The two kinds of credentials the API accepts. */
final class CredentialsRequests {
    private CredentialsRequests() {
    }

    static final class SessionCookie extends BaseAuthenticationRequest {
        final String sessionId;

        SessionCookie(String sessionId) {
            this.sessionId = sessionId;
        }
    }

    static final class BearerToken extends BaseAuthenticationRequest {
        final String token;

        BearerToken(String token) {
            this.token = token;
        }
    }
}
