package dev.linkstack.app.ui;

import dev.linkstack.app.auth.AccountAdmin;
import dev.linkstack.app.auth.AuthResource.UserView;
import dev.linkstack.app.auth.AuthService;
import dev.linkstack.app.config.AppConfig;
import dev.linkstack.app.errors.DomainError;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The admin's pages for accounts and invite codes, over the services the admin API uses (which log each action).
 * Only the admin's session reaches them: without a session they redirect to sign-in, anyone else gets 403.
 */
@Path("/admin")
@Produces(MediaType.TEXT_HTML)
public class AdminPages {
    private final AuthService auth;
    private final AccountAdmin accounts;
    private final SignedIn signedIn;
    private final boolean inviteOnly;

    AdminPages(AuthService auth, AccountAdmin accounts, SignedIn signedIn, AppConfig config) {
        this.auth = auth;
        this.accounts = accounts;
        this.signedIn = signedIn;
        this.inviteOnly = config.registration().inviteOnly();
    }

    @GET
    public Response home() {
        admin(signedIn);
        return SignedIn.seeOther("/admin/users");
    }

    @GET
    @Path("/users")
    public TemplateInstance users() {
        return usersPage(admin(signedIn), Pages.Form.empty());
    }

    @POST
    @Path("/users/disable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response disable(@RestForm String username) {
        return onAccount(username, accounts::disable);
    }

    @POST
    @Path("/users/enable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response enable(@RestForm String username) {
        return onAccount(username, accounts::enable);
    }

    /** A users-page button: the action, in the admin's name, then the list again, or the list with the refusal. */
    private Response onAccount(String username, BiConsumer<String, String> action) {
        SignedIn.Account admin = admin(signedIn);
        try {
            action.accept(admin.username(), username);
            return SignedIn.seeOther("/admin/users");
        } catch (DomainError e) {
            return refused(admin, username, FieldError.of(e));
        }
    }

    @GET
    @Path("/invites")
    public TemplateInstance invites() {
        return Pages.adminInvites(admin(signedIn), auth.unusedInvites(), null, inviteOnly);
    }

    /** The new code is on this response only, like a new API token. */
    @POST
    @Path("/invites")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createInvite() {
        SignedIn.Account admin = admin(signedIn);
        String code = accounts.createInvite(admin.username(), admin.id());
        return AccountPages.page(201, Pages.adminInvites(admin, auth.unusedInvites(), code, inviteOnly));
    }

    private Response refused(SignedIn.Account admin, String username, FieldError error) {
        // Names are stored lower-case: so the message lands beside the row it is about.
        String shown = AccountPages.nullToEmpty(username).trim().toLowerCase(Locale.ROOT);
        return AccountPages.page(error.status(), usersPage(admin, error.form(Map.of("username", shown))));
    }

    private TemplateInstance usersPage(SignedIn.Account admin, Pages.Form form) {
        List<UserView> users = auth.listUsers().stream().map(UserView::of).toList();
        return Pages.adminUsers(admin, users, form);
    }

    /** The signed-in admin; a 303 to sign-in without a session, a 403 page for anyone else. */
    static SignedIn.Account admin(SignedIn signedIn) {
        SignedIn.Account account = signedIn.require();
        if (!account.admin()) {
            throw new WebApplicationException(Response.status(403).type(MediaType.TEXT_HTML_TYPE)
                    .entity(Pages.adminOnly().render()).build());
        }
        return account;
    }
}
