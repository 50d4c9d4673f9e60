package dev.linkstack.app.ui;

import dev.linkstack.app.auth.CurrentUser;
import dev.linkstack.app.auth.User;
import dev.linkstack.app.errors.BackendUnavailableException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The pages' view of who is signed in, read from the request's security identity (the session cookie is resolved by
 * the authentication mechanism, as for the API). Pages serve sessions only, and answer people: without one they
 * redirect to the sign-in page where the API answers 401.
 */
@ApplicationScoped
public class SignedIn {
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(3);
    private final CurrentIdentityAssociation identities;

    SignedIn(CurrentIdentityAssociation identities) {
        this.identities = identities;
    }

    public record Account(long id, String username, boolean admin) {
    }

    public Optional<Account> current() {
        SecurityIdentity identity;
        try {
            identity = identities.getDeferredIdentity().await().atMost(STORE_TIMEOUT);
        } catch (AuthenticationFailedException expiredOrUnknown) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw BackendUnavailableException.explain(e, "Session store is unavailable");
        }
        if (identity == null || identity.isAnonymous() || !CurrentUser.BY_SESSION.equals(identity.getAttribute(CurrentUser.AUTH_METHOD))) {
            return Optional.empty();
        }
        Long id = identity.getAttribute(CurrentUser.USER_ID);
        return Optional.of(new Account(id, identity.getPrincipal().getName(), identity.hasRole(User.ROLE_ADMIN)));
    }

    /** The signed-in account, or a 303 to the sign-in page. */
    public Account require() {
        return current().orElseThrow(() -> new WebApplicationException(seeOther("/account/login")));
    }

    static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).build();
    }
}
