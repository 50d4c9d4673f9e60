package dev.linkstack.app.auth;

import dev.linkstack.app.session.SessionManager;
import dev.linkstack.platform.errors.ApiError;
import dev.linkstack.platform.errors.ApiException;
import dev.linkstack.app.web.BackendUnavailableException;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "auth", description = "Accounts and sessions")
public class AuthResource {
    private static final Duration SESSION_STORE_TIMEOUT = Duration.ofSeconds(3);

    public record Credentials(String username, String password) {
    }

    public record UserView(long id, String username, String role, Instant createdAt) {
        public static UserView of(User user) {
            return new UserView(user.id, user.username, user.role, user.createdAt);
        }
    }

    public record Me(long id, String username, String role, String authMethod) {
    }

    private final AuthService auth;
    private final SessionManager sessions;
    private final CurrentUser currentUser;
    private final LoginThrottle throttle;

    AuthResource(AuthService auth, SessionManager sessions, CurrentUser currentUser, LoginThrottle throttle) {
        this.auth = auth;
        this.sessions = sessions;
        this.currentUser = currentUser;
        this.throttle = throttle;
    }

    @POST
    @Path("/register")
    public Response register(Credentials credentials) {
        Credentials body = requireBody(credentials);
        User user = auth.register(body.username(), body.password());
        return Response.created(URI.create("/api/auth/me")).entity(UserView.of(user)).build();
    }

    @POST
    @Path("/login")
    public Response login(Credentials credentials, HttpHeaders headers, @Context HttpServerRequest request) {
        Credentials body = requireBody(credentials);
        String address = LoginThrottle.clientAddress(request);
        throttle.check(body.username(), address);
        User user = auth.verify(body.username(), body.password()).orElse(null);
        if (user == null) {
            throttle.failed(body.username(), address);
            return ApiError.response(401, "invalid_credentials", "Unknown username or wrong password");
        }
        throttle.succeeded(body.username());
        String sessionId;
        try {
            // No session fixation: a session the client arrived with ends, the new one gets a fresh id.
            Cookie previous = headers.getCookies().get(sessions.cookieName());
            if (previous != null) {
                sessions.end(previous.getValue()).await().atMost(SESSION_STORE_TIMEOUT);
            }
            sessionId = sessions.start(user.id, user.role, user.username).await().atMost(SESSION_STORE_TIMEOUT);
        } catch (RuntimeException e) {
            throw BackendUnavailableException.findIn(e) != null ? e
                    : new BackendUnavailableException("Session store is unavailable, try again shortly", e);
        }
        return Response.ok(UserView.of(user)).header(HttpHeaders.SET_COOKIE, sessions.cookie(sessionId)).build();
    }

    /** Ends the session named by the cookie (if any) and clears the cookie; always succeeds for the client. */
    @POST
    @Path("/logout")
    public Response logout(HttpHeaders headers) {
        Cookie cookie = headers.getCookies().get(sessions.cookieName());
        if (cookie != null) {
            sessions.end(cookie.getValue()).await().atMost(SESSION_STORE_TIMEOUT);
        }
        return Response.noContent().header(HttpHeaders.SET_COOKIE, sessions.expiredCookie()).build();
    }

    @GET
    @Path("/me")
    @Authenticated
    public Me me() {
        return new Me(currentUser.id(), currentUser.username(), currentUserRole(), currentUser.authMethod());
    }

    private String currentUserRole() {
        return currentUser.isAdmin() ? User.ROLE_ADMIN : User.ROLE_USER;
    }

    private static Credentials requireBody(Credentials credentials) {
        if (credentials == null || credentials.username() == null || credentials.password() == null) {
            throw ApiException.badRequest("Body must be {\"username\": ..., \"password\": ...}");
        }
        return credentials;
    }
}
