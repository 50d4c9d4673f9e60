package dev.linkstack.app.ui;

import dev.linkstack.app.auth.AuthService;
import dev.linkstack.app.auth.User;
import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.auth.SignIn;
import dev.linkstack.app.errors.DomainError;
import dev.linkstack.app.errors.InvalidCredentials;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import dev.linkstack.app.auth.CredentialThrottle;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;
import java.util.Map;

/** Sign in, register and sign out, as HTML forms over the same services as the API. */
@Path("/account")
@Produces(MediaType.TEXT_HTML)
public class AccountPages {
    private final AuthService auth;
    private final SignIn signIn;
    private final SignedIn signedIn;
    private final boolean registrationEnabled;
    private final boolean inviteOnly;

    AccountPages(AuthService auth, SignIn signIn, SignedIn signedIn, AppConfig config) {
        this.auth = auth;
        this.signIn = signIn;
        this.signedIn = signedIn;
        this.registrationEnabled = config.registration().enabled();
        this.inviteOnly = config.registration().inviteOnly();
    }

    @GET
    @Path("/login")
    public Object loginPage() {
        if (signedIn.current().isPresent()) {
            return SignedIn.seeOther("/dashboard");
        }
        return Pages.login(Pages.Form.empty(), registrationEnabled, null);
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@RestForm String username, @RestForm String password, HttpHeaders headers, @Context HttpServerRequest request) {
        Map<String, String> values = Map.of("username", nullToEmpty(username));
        try {
            return toDashboard(signIn.withPassword(username, password, CredentialThrottle.clientAddress(request), headers));
        } catch (InvalidCredentials e) {
            FieldError error = FieldError.of(e);
            return page(error.status(), Pages.login(error.form(values), registrationEnabled, null));
        } catch (CredentialThrottle.TooManyAttempts e) {
            return tooMany(e, Pages.login(new Pages.Form(values, Map.of("password", e.getMessage())), registrationEnabled, null));
        }
    }

    @GET
    @Path("/register")
    public Object registerPage() {
        if (!registrationEnabled) {
            return page(403, Pages.login(Pages.Form.empty(), false, "Registration is disabled on this server."));
        }
        return Pages.register(Pages.Form.empty(), inviteOnly);
    }

    @POST
    @Path("/register")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response register(@RestForm String username, @RestForm String password, @RestForm String invite, HttpHeaders headers,
                             @Context HttpServerRequest request) {
        Map<String, String> values = Map.of("username", nullToEmpty(username));
        try {
            User user = auth.register(username, password, invite, CredentialThrottle.clientAddress(request));
            return toDashboard(signIn.start(user, headers));
        } catch (DomainError e) {
            FieldError error = FieldError.of(e);
            return page(error.status(), Pages.register(error.form(values), inviteOnly));
        } catch (CredentialThrottle.TooManyAttempts e) {
            return tooMany(e, Pages.register(new Pages.Form(values, Map.of("username", e.getMessage())), inviteOnly));
        }
    }

    private static Response tooMany(CredentialThrottle.TooManyAttempts e, TemplateInstance page) {
        return Response.fromResponse(page(429, page)).header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds()).build();
    }

    @POST
    @Path("/logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(HttpHeaders headers) {
        signIn.endSessionOf(headers);
        return Response.seeOther(URI.create("/account/login")).header(HttpHeaders.SET_COOKIE, signIn.expiredCookie()).build();
    }

    private Response toDashboard(SignIn.Started started) {
        return Response.seeOther(URI.create("/dashboard")).header(HttpHeaders.SET_COOKIE, signIn.cookie(started)).build();
    }

    static Response page(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(page).build();
    }

    static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
