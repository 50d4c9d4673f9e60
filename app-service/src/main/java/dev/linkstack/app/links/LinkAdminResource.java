package dev.linkstack.app.links;

import dev.linkstack.app.auth.CurrentUser;
import dev.linkstack.app.auth.User;
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
import org.jboss.logging.Logger;

/** The admin's hand on every user's links; each action is one log line naming the admin, the action and the link. */
@Path("/api/admin/links")
@RolesAllowed(User.ROLE_ADMIN)
@Produces(MediaType.APPLICATION_JSON)
// Bodiless, but declared JSON like the rest of the API: a garbage Content-Type is then a clean 415, not a failure
// of the CSRF filter parsing it.
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "admin", description = "For the admin account (the first one registered)")
public class LinkAdminResource {
    private static final Logger LOG = Logger.getLogger(LinkAdminResource.class);

    private final LinkService links;
    private final CurrentUser currentUser;

    LinkAdminResource(LinkService links, CurrentUser currentUser) {
        this.links = links;
        this.currentUser = currentUser;
    }

    /** Deletes anyone's link and its statistics (204); its redirect answers 404 from the next request on. */
    @DELETE
    @Path("/{code}")
    public Response delete(@PathParam("code") String code) {
        Link deleted = links.deleteAny(code);
        LOG.infof("admin %s: deleted link %s of user %d", currentUser.username(), deleted.code, deleted.ownerId);
        return Response.noContent().build();
    }

    /** Blocks anyone's link (204): it stays its owner's, but its redirect answers 404 from the next request on. */
    @PUT
    @Path("/{code}/blocked")
    public Response block(@PathParam("code") String code) {
        Link blocked = links.setBlocked(code, true);
        LOG.infof("admin %s: blocked link %s of user %d", currentUser.username(), blocked.code, blocked.ownerId);
        return Response.noContent().build();
    }

    @DELETE
    @Path("/{code}/blocked")
    public Response unblock(@PathParam("code") String code) {
        Link unblocked = links.setBlocked(code, false);
        LOG.infof("admin %s: unblocked link %s of user %d", currentUser.username(), unblocked.code, unblocked.ownerId);
        return Response.noContent().build();
    }
}
