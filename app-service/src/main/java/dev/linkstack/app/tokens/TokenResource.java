package dev.linkstack.app.tokens;

import dev.linkstack.app.auth.CurrentUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Instant;
import java.util.List;

@Path("/api/tokens")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "tokens", description = "API tokens for scripts: Authorization: Bearer <token>")
public class TokenResource {

    public record CreateToken(String name, Integer expiresInDays) {
    }

    public record TokenView(long id, String name, String prefix, Instant createdAt, Instant expiresAt, Instant lastUsedAt) {
        static TokenView of(ApiToken t) {
            return new TokenView(t.id, t.name, t.prefix, t.createdAt, t.expiresAt, t.lastUsedAt);
        }
    }

    /** The only response that ever contains the token itself (sent inside a Response: registered for native reflection). */
    @RegisterForReflection
    public record CreatedToken(long id, String name, String prefix, Instant createdAt, Instant expiresAt, String token) {
    }

    private final TokenService tokens;
    private final CurrentUser currentUser;

    TokenResource(TokenService tokens, CurrentUser currentUser) {
        this.tokens = tokens;
        this.currentUser = currentUser;
    }

    @POST
    public Response create(@Valid @NotNull(message = "Body must be {\"name\": ..., \"expiresInDays\": optional}") CreateToken request) {
        TokenService.Created created = tokens.create(currentUser.id(), request.name(), request.expiresInDays());
        ApiToken t = created.token();
        return Response.created(URI.create("/api/tokens/" + t.id))
                .entity(new CreatedToken(t.id, t.name, t.prefix, t.createdAt, t.expiresAt, created.secret())).build();
    }

    @GET
    public List<TokenView> list() {
        return tokens.list(currentUser.id()).stream().map(TokenView::of).toList();
    }

    @DELETE
    @Path("/{id}")
    public Response revoke(@PathParam("id") String id) {
        tokens.revoke(currentUser.id(), parseId(id));
        return Response.noContent().build();
    }

    private static long parseId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new TokenNotFound(id);
        }
    }
}
