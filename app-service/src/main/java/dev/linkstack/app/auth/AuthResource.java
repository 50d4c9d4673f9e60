package dev.linkstack.app.auth;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Instant;

@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "auth", description = "Accounts and sessions")
// Registering, signing in and out need no credentials at all; sent with a token, only a full one, so that a narrower
// token never does more than read and shorten links.
@RequiresScope(TokenScope.FULL)
public class AuthResource {
    private static final String CREDENTIALS_SHAPE = "Body must be {\"username\": ..., \"password\": ...}";

    public record Credentials(@NotNull(message = CREDENTIALS_SHAPE) String username, @NotNull(message = CREDENTIALS_SHAPE) String password) {
    }

    /** A registration; {@code invite} only where registration is invite-only. */
    public record NewAccount(@NotNull(message = CREDENTIALS_SHAPE) String username, @NotNull(message = CREDENTIALS_SHAPE) String password, String invite) {
    }

    public record UserView(long id, String username, String role, Instant createdAt, boolean disabled) {
        public static UserView of(User user) {
            return new UserView(user.id, user.username, user.role, user.createdAt, user.disabled());
        }
    }

    /** {@code scope}: the API token's scope, {@code null} for a session. */
    public record Me(long id, String username, String role, String authMethod, String scope) {
    }

    private final AuthService auth;
    private final SignIn signIn;
    private final CurrentUser currentUser;

    AuthResource(AuthService auth, SignIn signIn, CurrentUser currentUser) {
        this.auth = auth;
        this.signIn = signIn;
        this.currentUser = currentUser;
    }

    @POST
    @Path("/register")
    public Response register(@Valid @NotNull(message = CREDENTIALS_SHAPE) NewAccount body, @Context HttpServerRequest request) {
        User user = auth.register(body.username(), body.password(), body.invite(), CredentialThrottle.clientAddress(request));
        return Response.created(URI.create("/api/auth/me")).entity(UserView.of(user)).build();
    }

    @POST
    @Path("/login")
    public Response login(@Valid @NotNull(message = CREDENTIALS_SHAPE) Credentials body, HttpHeaders headers, @Context HttpServerRequest request) {
        SignIn.Started started = signIn.withPassword(body.username(), body.password(), CredentialThrottle.clientAddress(request), headers);
        return Response.ok(UserView.of(started.user())).header(HttpHeaders.SET_COOKIE, signIn.cookie(started)).build();
    }

    /** Ends the session named by the cookie (if any) and clears the cookie; always succeeds for the client. */
    @POST
    @Path("/logout")
    public Response logout(HttpHeaders headers) {
        signIn.endSessionOf(headers);
        return Response.noContent().header(HttpHeaders.SET_COOKIE, signIn.expiredCookie()).build();
    }

    @GET
    @Path("/me")
    @Authenticated
    @RequiresScope(TokenScope.READ)
    public Me me() {
        return new Me(currentUser.id(), currentUser.username(), currentUserRole(), currentUser.authMethod(),
                currentUser.tokenScope().map(TokenScope::value).orElse(null));
    }

    private String currentUserRole() {
        return currentUser.isAdmin() ? User.ROLE_ADMIN : User.ROLE_USER;
    }
}
