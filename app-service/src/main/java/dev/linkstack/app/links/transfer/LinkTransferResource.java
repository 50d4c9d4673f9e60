package dev.linkstack.app.links.transfer;

import dev.linkstack.app.auth.CurrentUser;
import dev.linkstack.app.auth.RequiresScope;
import dev.linkstack.app.auth.TokenScope;
import dev.linkstack.app.errors.InvalidInput;
import dev.linkstack.app.links.ShortUrls;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;

@Path("/api/links")
@Authenticated
@Tag(name = "links", description = "Short links of the signed-in user")
public class LinkTransferResource {
    static final String CSV = "text/csv";

    private final LinkExport export;
    private final LinkImport imports;
    private final CurrentUser currentUser;
    private final ShortUrls shortUrls;

    @Context
    UriInfo uriInfo;

    LinkTransferResource(LinkExport export, LinkImport imports, CurrentUser currentUser, ShortUrls shortUrls) {
        this.export = export;
        this.imports = imports;
        this.currentUser = currentUser;
        this.shortUrls = shortUrls;
    }

    @GET
    @Path("/export")
    @RequiresScope(TokenScope.READ)
    @Produces({CSV, MediaType.APPLICATION_JSON})
    @Operation(summary = "All of the user's links (code, short URL, target, created, expires, tags, clicks), streamed as CSV or JSON")
    public Response export(@Parameter(description = "csv (default) or json") @QueryParam("format") String format) {
        String base = shortUrls.of("", uriInfo);
        long owner = currentUser.id();
        String chosen = format == null || format.isBlank() ? "csv" : format.strip().toLowerCase(java.util.Locale.ROOT);
        return switch (chosen) {
            case "csv" -> download(export.csv(owner, base), CSV + "; charset=utf-8", "csv");
            case "json" -> download(export.json(owner, base), MediaType.APPLICATION_JSON, "json");
            default -> throw new InvalidInput("format", "Query parameter 'format' must be csv or json");
        };
    }

    @POST
    @Path("/import")
    @RequiresScope(TokenScope.CREATE)
    // Any content type: the body is read as CSV whatever a client calls it (curl --data-binary sends form encoding),
    // and a token without the scope is refused with 403 before the body matters.
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Adds links from a CSV export: Linkstack's own, Shlink's, YOURLS', Bitly's or Kutt's (told by the header row)")
    @APIResponse(responseCode = "200", description = "What was created and which rows were skipped, and why")
    @APIResponse(responseCode = "413", description = "Body larger than app.limits.max-import-bytes")
    public LinkImport.Report importCsv(@Parameter(description = "true: check every row, write nothing") @QueryParam("dryRun") String dryRun,
                                       @RequestBody(content = @Content(mediaType = CSV, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)))
                                       InputStream body) {
        return imports.run(currentUser.id(), body, parseFlag("dryRun", dryRun));
    }

    static boolean parseFlag(String name, String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new InvalidInput(name, "Query parameter '" + name + "' must be true or false");
    }

    private static Response download(jakarta.ws.rs.core.StreamingOutput body, String type, String extension) {
        return Response.ok(body, type).header("Content-Disposition", "attachment; filename=\"linkstack-links." + extension + "\"").build();
    }
}
