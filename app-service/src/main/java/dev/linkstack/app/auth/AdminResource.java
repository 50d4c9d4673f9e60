package dev.linkstack.app.auth;

import dev.linkstack.app.auth.AuthResource.UserView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
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

    AdminResource(AuthService auth) {
        this.auth = auth;
    }

    @GET
    @Path("/users")
    public List<UserView> users() {
        return auth.listUsers().stream().map(UserView::of).toList();
    }
}
