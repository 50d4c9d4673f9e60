package dev.linkstack.app.auth;

import dev.linkstack.app.auth.AuthResource.UserView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/api/admin")
@RolesAllowed(User.ROLE_ADMIN)
@RequiresScope(TokenScope.FULL)
@Produces(MediaType.APPLICATION_JSON)
// Bodiless, but declared JSON like the rest of the API: a garbage Content-Type is then a clean 415, not a failure
// of the CSRF filter parsing it.
@Consumes(MediaType.APPLICATION_JSON)
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

    /** A single-use invite code: in this response only (only its SHA-256 is stored). */
    @RegisterForReflection
    public record Invite(String invite) {
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

    /** Creates a single-use invite code for registration on an invite-only server (201). */
    @POST
    @Path("/invites")
    public Response createInvite() {
        return Response.status(201).entity(new Invite(accounts.createInvite(currentUser.username(), currentUser.id()))).build();
    }

    /** Invite codes not used yet: when and by whom each was created (the codes are not stored). */
    @GET
    @Path("/invites")
    public List<Invites.Unused> unusedInvites() {
        return auth.unusedInvites();
    }

    @DELETE
    @Path("/users/{username}/disabled")
    public UserView enable(@PathParam("username") String username) {
        return UserView.of(accounts.enable(currentUser.username(), username));
    }
}
