package dev.linkstack.app.links;

import dev.linkstack.app.auth.CurrentUser;
import dev.linkstack.app.auth.User;
import dev.linkstack.app.auth.RequiresScope;
import dev.linkstack.app.auth.TokenScope;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The admin's hand on every user's links, over {@link LinkAdmin} (which logs each action) as the admin pages are. */
@Path("/api/admin/links")
@RolesAllowed(User.ROLE_ADMIN)
@RequiresScope(TokenScope.FULL)
@Produces(MediaType.APPLICATION_JSON)
// Bodiless, but declared JSON like the rest of the API: a garbage Content-Type is then a clean 415, not a failure
// of the CSRF filter parsing it.
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "admin", description = "For the admin account (the first one registered)")
public class LinkAdminResource {
    private final LinkAdmin links;
    private final CurrentUser currentUser;

    LinkAdminResource(LinkAdmin links, CurrentUser currentUser) {
        this.links = links;
        this.currentUser = currentUser;
    }

    /** Deletes anyone's link and its statistics (204); its redirect answers 404 from the next request on. */
    @DELETE
    @Path("/{code}")
    public Response delete(@PathParam("code") String code) {
        links.delete(currentUser.username(), code);
        return Response.noContent().build();
    }

    /** Blocks anyone's link (204): it stays its owner's, but its redirect answers 410 from the next request on. */
    @PUT
    @Path("/{code}/blocked")
    public Response block(@PathParam("code") String code) {
        links.setBlocked(currentUser.username(), code, true);
        return Response.noContent().build();
    }

    @DELETE
    @Path("/{code}/blocked")
    public Response unblock(@PathParam("code") String code) {
        links.setBlocked(currentUser.username(), code, false);
        return Response.noContent().build();
    }
}
