package dev.linkstack.app.tokens;

import dev.linkstack.app.auth.CurrentUser;
import dev.linkstack.app.auth.RequiresScope;
import dev.linkstack.app.auth.SessionsOnly;
import dev.linkstack.app.auth.TokenScope;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
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

    /** Without a scope a token is {@code full}, as every token was before scopes existed: existing scripts keep working. */
    public record CreateToken(String name, Integer expiresInDays,
                              @Schema(enumeration = {"read", "create", "full"}, defaultValue = "full",
                                      description = "read: reads only; create: reads and new links; full: everything a token may do") String scope) {
    }

    public record TokenView(long id, String name, String prefix, @Schema(enumeration = {"read", "create", "full"}) String scope,
                            Instant createdAt, Instant expiresAt, Instant lastUsedAt) {
        static TokenView of(ApiToken t) {
            return new TokenView(t.id, t.name, t.prefix, t.scope.value(), t.createdAt, t.expiresAt, t.lastUsedAt);
        }
    }

    /** The only response that ever contains the token itself (sent inside a Response: registered for native reflection). */
    @RegisterForReflection
    public record CreatedToken(long id, String name, String prefix, String scope, Instant createdAt, Instant expiresAt, String token) {
    }

    private final TokenService tokens;
    private final CurrentUser currentUser;

    TokenResource(TokenService tokens, CurrentUser currentUser) {
        this.tokens = tokens;
        this.currentUser = currentUser;
    }

    // No token mints tokens, not even a full one: a leaked token could otherwise leave successors behind that outlive
    // its revocation and its expiry. New tokens come from a signed-in person.
    @POST
    @SessionsOnly("API tokens cannot create tokens: sign in to create one")
    @Operation(summary = "Creates an API token (signed-in session only)")
    public Response create(@Valid @NotNull(message = "Body must be {\"name\": ..., \"expiresInDays\": optional, \"scope\": optional}") CreateToken request) {
        TokenScope scope = TokenScope.parse(request.scope(), TokenScope.FULL);
        TokenService.Created created = tokens.create(currentUser.id(), request.name(), request.expiresInDays(), scope);
        ApiToken t = created.token();
        return Response.created(URI.create("/api/tokens/" + t.id))
                .entity(new CreatedToken(t.id, t.name, t.prefix, t.scope.value(), t.createdAt, t.expiresAt, created.secret())).build();
    }

    @GET
    @RequiresScope(TokenScope.READ)
    @Operation(summary = "Lists the user's tokens with their scopes, never the tokens themselves")
    public List<TokenView> list() {
        return tokens.list(currentUser.id()).stream().map(TokenView::of).toList();
    }

    // Revoking grants nothing, and lets a script withdraw a token it suspects has leaked, its own included.
    @DELETE
    @Path("/{id}")
    @RequiresScope(TokenScope.FULL)
    @Operation(summary = "Revokes a token (session or full token)")
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
