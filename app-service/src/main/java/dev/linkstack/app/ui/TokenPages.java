package dev.linkstack.app.ui;

import dev.linkstack.app.auth.TokenScope;
import dev.linkstack.app.tokens.TokenService;
import dev.linkstack.app.errors.DomainError;
import dev.linkstack.app.errors.InvalidInput;
import jakarta.validation.ConstraintViolationException;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.util.Map;

/** API tokens: create (shown once, on the response page only), list, revoke. */
@Path("/settings/tokens")
@Produces(MediaType.TEXT_HTML)
public class TokenPages {
    private final TokenService tokens;
    private final SignedIn signedIn;

    TokenPages(TokenService tokens, SignedIn signedIn) {
        this.tokens = tokens;
        this.signedIn = signedIn;
    }

    @GET
    public TemplateInstance list() {
        SignedIn.Account account = signedIn.require();
        return Pages.tokens(account, tokens.list(account.id()), null, Pages.Form.empty());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@RestForm String name, @RestForm String expiresInDays, @RestForm String scope) {
        SignedIn.Account account = signedIn.require();
        Map<String, String> values = Map.of("name", AccountPages.nullToEmpty(name), "expiresInDays", AccountPages.nullToEmpty(expiresInDays),
                "scope", AccountPages.nullToEmpty(scope));
        try {
            // The form always sends the scope the person picked; without one (a hand-made post) the least is given.
            TokenService.Created created = tokens.create(account.id(), name, parseDays(expiresInDays), TokenScope.parse(scope, TokenScope.READ));
            return AccountPages.page(201, Pages.tokens(account, tokens.list(account.id()), created.secret(), Pages.Form.empty()));
        } catch (DomainError e) {
            return refused(account, values, FieldError.of(e));
        } catch (ConstraintViolationException e) {
            return refused(account, values, FieldError.of(e));
        }
    }

    private Response refused(SignedIn.Account account, Map<String, String> values, FieldError error) {
        return AccountPages.page(error.status(), Pages.tokens(account, tokens.list(account.id()), null, error.form(values)));
    }

    @POST
    @Path("/{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(@PathParam("id") long id) {
        SignedIn.Account account = signedIn.require();
        tokens.revoke(account.id(), id);
        return SignedIn.seeOther("/settings/tokens");
    }

    private static Integer parseDays(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInput("expiresInDays", "expiresInDays must be a whole number of days");
        }
    }
}
