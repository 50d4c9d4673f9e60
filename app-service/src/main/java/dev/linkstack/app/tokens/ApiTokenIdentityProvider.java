package dev.linkstack.app.tokens;

import dev.linkstack.app.auth.CredentialsRequests;
import dev.linkstack.app.auth.SessionIdentityProvider;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Resolves an API token by its digest in the database (a blocking lookup, so off the event loop). */
@ApplicationScoped
public class ApiTokenIdentityProvider implements IdentityProvider<CredentialsRequests.BearerToken> {
    private final TokenService tokens;

    ApiTokenIdentityProvider(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<CredentialsRequests.BearerToken> getRequestType() {
        return CredentialsRequests.BearerToken.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(CredentialsRequests.BearerToken request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> tokens.authenticate(request.token)
                .map(used -> SessionIdentityProvider.tokenIdentity(used.owner().id, used.owner().username, used.owner().role, used.scope()))
                .orElseThrow(AuthenticationFailedException::new));
    }
}
