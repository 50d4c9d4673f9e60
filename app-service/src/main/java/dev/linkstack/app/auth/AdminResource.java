package dev.linkstack.app.auth;

import dev.linkstack.app.auth.AuthResource.UserView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/api/admin")
@RolesAllowed(User.ROLE_ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin", description = "For the admin account (the first one registered)")
public class AdminResource {
    private final AuthService auth;
    private final AccountAdmin accounts;
    private final CurrentUser currentUser;

    AdminResource(AuthService auth, AccountAdmin accounts, CurrentUser currentUser) {
        this.auth = auth;
        this.accounts = accounts;
        this.currentUser = currentUser;
    }

    @GET
    @Path("/users")
    public List<UserView> users() {
        return auth.listUsers().stream().map(UserView::of).toList();
    }

    /** Disables the account: no sign-in, and its sessions and API tokens are refused from the next request on. */
    @PUT
    @Path("/users/{username}/disabled")
    public UserView disable(@PathParam("username") String username) {
        return UserView.of(accounts.disable(currentUser.username(), username));
    }

    @DELETE
    @Path("/users/{username}/disabled")
    public UserView enable(@PathParam("username") String username) {
        return UserView.of(accounts.enable(currentUser.username(), username));
    }
}
