package dev.linkstack.app.links;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkstack.app.auth.CurrentUser;
import dev.linkstack.app.auth.RequiresScope;
import dev.linkstack.app.auth.TokenScope;
import dev.linkstack.app.errors.InvalidInput;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

@Path("/api/links")
@Authenticated
// Changing and deleting need a full token; reading and creating are marked on their methods.
@RequiresScope(TokenScope.FULL)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "links", description = "Short links of the signed-in user")
public class LinkResource {
    private static final Set<String> CHANGEABLE = Set.of("url", "expiresAt", "tags", "password");

    public record CreateLink(String url, String code, Instant expiresAt, List<String> tags,
                             @Schema(description = "Optional: visitors must give it before the redirect (4-128 characters); never returned")
                             String password) {
    }

    /** Documents the PATCH body (read as a tree, so that an explicit null can clear the expiry or the password); tags replace the set. */
    public record ChangeLink(String url, Instant expiresAt, List<String> tags,
                             @Schema(description = "Sets the link's password (4-128 characters); null removes it", nullable = true)
                             String password) {
    }

    public record LinkView(String code, String shortUrl, String url, Instant createdAt, Instant updatedAt, Instant expiresAt, long clicks,
                           List<String> tags,
                           @JsonProperty("protected") @Schema(description = "Whether visitors must give a password first")
                           boolean passwordProtected) {
    }

    public record LinkPage(List<LinkView> items, int page, int size, long total) {
    }

    private final LinkService links;
    private final CurrentUser currentUser;
    private final ShortUrls shortUrls;

    @Context
    UriInfo uriInfo;

    LinkResource(LinkService links, CurrentUser currentUser, ShortUrls shortUrls) {
        this.links = links;
        this.currentUser = currentUser;
        this.shortUrls = shortUrls;
    }

    @POST
    @RequiresScope(TokenScope.CREATE)
    public Response create(@Valid @NotNull(message = "Body must be {\"url\": ..., \"code\": optional, \"expiresAt\": optional, \"tags\": optional, \"password\": optional}") CreateLink request) {
        Link link = links.create(currentUser.id(), request.url(), request.code(), request.expiresAt(),
                request.tags() == null ? List.of() : request.tags(), request.password());
        return Response.created(URI.create("/api/links/" + link.code)).entity(view(link)).build();
    }

    @GET
    @RequiresScope(TokenScope.READ)
    public LinkPage list(@QueryParam("page") String page, @QueryParam("size") String size, @QueryParam("q") String search,
                         @QueryParam("tag") String tag) {
        int pageIndex = intParam("page", page, 0, 0, 1_000_000);
        int pageSize = intParam("size", size, 20, 1, 100);
        LinkService.PageOf<Link> result = links.list(currentUser.id(), pageIndex, pageSize, search, tag == null || tag.isBlank() ? null : tag);
        return new LinkPage(result.items().stream().map(this::view).toList(), result.page(), result.size(), result.total());
    }

    @GET
    @RequiresScope(TokenScope.READ)
    @Path("/{code}")
    public LinkView get(@PathParam("code") String code) {
        return view(links.get(currentUser.id(), code));
    }

    /** JSON merge patch: {"url": ...}, {"expiresAt": ... | null}, {"tags": [...]} ([] or null clears them) and/or {"password": ... | null}. */
    @PATCH
    @Path("/{code}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public LinkView update(@PathParam("code") String code,
                           @RequestBody(content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChangeLink.class)),
                                   @Content(mediaType = "application/merge-patch+json", schema = @Schema(implementation = ChangeLink.class))})
                           JsonNode body) {
        return view(links.update(currentUser.id(), code, parseChange(body)));
    }

    @DELETE
    @Path("/{code}")
    public Response delete(@PathParam("code") String code) {
        links.delete(currentUser.id(), code);
        return Response.noContent().build();
    }

    private LinkView view(Link link) {
        return new LinkView(link.code, shortUrls.of(link.code, uriInfo), link.targetUrl, link.createdAt, link.updatedAt, link.expiresAt, link.clickCount,
                link.tags, link.passwordHash != null);
    }

    private static LinkService.Change parseChange(JsonNode body) {
        if (!(body instanceof ObjectNode object) || object.isEmpty()) {
            throw new InvalidInput(InvalidInput.WHOLE_FORM, "Body must be a JSON object with \"url\", \"expiresAt\", \"tags\" and/or \"password\"");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!CHANGEABLE.contains(name)) {
                throw new InvalidInput(name, "Unknown field '" + name + "'");
            }
        }
        Optional<String> url = Optional.empty();
        if (object.has("url")) {
            if (!object.get("url").isTextual()) {
                throw new InvalidInput("url", "Field 'url' must be a string");
            }
            url = Optional.of(object.get("url").asText());
        }
        Optional<Instant> expiresAt = Optional.empty();
        boolean clearExpiry = false;
        if (object.has("expiresAt")) {
            JsonNode value = object.get("expiresAt");
            if (value.isNull()) {
                clearExpiry = true;
            } else if (value.isTextual()) {
                try {
                    expiresAt = Optional.of(Instant.parse(value.asText()));
                } catch (DateTimeParseException e) {
                    throw new InvalidInput("expiresAt", "Field 'expiresAt' must be an ISO-8601 instant such as 2030-01-01T00:00:00Z");
                }
            } else {
                throw new InvalidInput("expiresAt", "Field 'expiresAt' must be an ISO-8601 instant or null");
            }
        }
        Optional<String> password = Optional.empty();
        boolean clearPassword = false;
        if (object.has("password")) {
            JsonNode value = object.get("password");
            if (value.isNull()) {
                clearPassword = true;
            } else if (value.isTextual()) {
                password = Optional.of(value.asText());
            } else {
                throw new InvalidInput("password", "Field 'password' must be a string or null");
            }
        }
        return new LinkService.Change(url, expiresAt, clearExpiry, parseTags(object), password, clearPassword);
    }

    private static Optional<List<String>> parseTags(ObjectNode object) {
        if (!object.has("tags")) {
            return Optional.empty();
        }
        JsonNode value = object.get("tags");
        if (value.isNull()) {
            return Optional.of(List.of());
        }
        if (!value.isArray()) {
            throw new InvalidInput("tags", "Field 'tags' must be an array of strings");
        }
        List<String> tags = new java.util.ArrayList<>();
        for (JsonNode tag : value) {
            if (!tag.isTextual()) {
                throw new InvalidInput("tags", "Field 'tags' must be an array of strings");
            }
            tags.add(tag.asText());
        }
        return Optional.of(tags);
    }

    /** An integer query parameter from min to max, {@code fallback} when absent; anything else is a JSON 400 naming it. */
    public static int intParam(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidInput(name, "Query parameter '" + name + "' must be an integer from " + min + " to " + max);
    }
}
