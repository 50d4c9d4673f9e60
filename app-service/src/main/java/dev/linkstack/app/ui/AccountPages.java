package dev.linkstack.app.ui;

import dev.linkstack.app.auth.AuthService;
import dev.linkstack.app.auth.User;
import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.session.SessionManager;
import dev.linkstack.platform.errors.ApiException;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import dev.linkstack.app.auth.LoginThrottle;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.time.Duration;
import java.util.Map;

/** Sign in, register and sign out, as HTML forms over the same services as the API. */
@Path("/account")
@Produces(MediaType.TEXT_HTML)
public class AccountPages {
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(3);

    private final AuthService auth;
    private final SessionManager sessions;
    private final SignedIn signedIn;
    private final boolean registrationEnabled;
    private final LoginThrottle throttle;

    AccountPages(AuthService auth, SessionManager sessions, SignedIn signedIn, AppConfig config, LoginThrottle throttle) {
        this.throttle = throttle;
        this.auth = auth;
        this.sessions = sessions;
        this.signedIn = signedIn;
        this.registrationEnabled = config.registration().enabled();
    }

    @GET
    @Path("/login")
    public Object loginPage(HttpHeaders headers) {
        if (signedIn.current(headers).isPresent()) {
            return SignedIn.seeOther("/dashboard");
        }
        return Pages.login(Pages.Form.empty(), registrationEnabled, null);
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@RestForm String username, @RestForm String password, HttpHeaders headers, @Context HttpServerRequest request) {
        String address = LoginThrottle.clientAddress(request);
        try {
            throttle.check(username, address);
        } catch (LoginThrottle.TooManyAttempts e) {
            Pages.Form form = new Pages.Form(Map.of("username", nullToEmpty(username)), Map.of("password", e.getMessage()));
            return Response.fromResponse(page(429, Pages.login(form, registrationEnabled, null)))
                    .header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds()).build();
        }
        User user = auth.verify(username, password).orElse(null);
        if (user == null) {
            throttle.failed(username, address);
            Pages.Form form = new Pages.Form(Map.of("username", nullToEmpty(username)), Map.of("password", "Unknown username or wrong password"));
            return page(401, Pages.login(form, registrationEnabled, null));
        }
        throttle.succeeded(username);
        return startSession(user, headers);
    }

    @GET
    @Path("/register")
    public Object registerPage() {
        if (!registrationEnabled) {
            return page(403, Pages.login(Pages.Form.empty(), false, "Registration is disabled on this server."));
        }
        return Pages.register(Pages.Form.empty());
    }

    @POST
    @Path("/register")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response register(@RestForm String username, @RestForm String password, HttpHeaders headers) {
        try {
            User user = auth.register(username, password);
            return startSession(user, headers);
        } catch (ApiException e) {
            String field = e.getMessage().startsWith("Password") ? "password" : e.status() == 403 ? "form" : "username";
            Pages.Form form = new Pages.Form(Map.of("username", nullToEmpty(username)), Map.of(field, e.getMessage()));
            return page(e.status(), Pages.register(form));
        }
    }

    @POST
    @Path("/logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(HttpHeaders headers) {
        signedIn.current(headers).ifPresent(account -> sessions.end(account.sessionId()).await().atMost(STORE_TIMEOUT));
        return Response.seeOther(java.net.URI.create("/account/login")).header(HttpHeaders.SET_COOKIE, sessions.expiredCookie()).build();
    }

    private Response startSession(User user, HttpHeaders headers) {
        // No session fixation: a session the browser arrived with ends, the new one gets a fresh id.
        signedIn.current(headers).ifPresent(previous -> sessions.end(previous.sessionId()).await().atMost(STORE_TIMEOUT));
        String sessionId = sessions.start(user.id, user.role, user.username).await().atMost(STORE_TIMEOUT);
        return Response.seeOther(java.net.URI.create("/dashboard")).header(HttpHeaders.SET_COOKIE, sessions.cookie(sessionId)).build();
    }

    static Response page(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(page).build();
    }

    static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
