package dev.linkstack.app.links;

import dev.linkstack.app.auth.CurrentUser;
import dev.linkstack.app.auth.User;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
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
}
