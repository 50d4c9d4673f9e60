package dev.linkstack.app.links;

import dev.linkstack.app.auth.CurrentUser;
import dev.linkstack.app.auth.RequiresScope;
import dev.linkstack.app.auth.TokenScope;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/api/tags")
@Authenticated
@RequiresScope(TokenScope.READ)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "links", description = "Short links of the signed-in user")
public class TagResource {
    private final LinkService links;
    private final CurrentUser currentUser;

    TagResource(LinkService links, CurrentUser currentUser) {
        this.links = links;
        this.currentUser = currentUser;
    }

    @GET
    @Operation(summary = "The signed-in user's tags, alphabetically, with the number of links carrying each")
    public List<LinkService.TagCount> list() {
        return links.tags(currentUser.id());
    }
}
