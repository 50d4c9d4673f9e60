package dev.linkstack.backup.api;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.jobs.BackupJobs;
import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupJob;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.platform.errors.ApiException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.net.URI;
import java.util.List;

/** Backups: start one, list them, read, download and delete one. */
@Path("/api/backups")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "bearer")
public class BackupResource {
    private final BackupJobs jobs;
    private final BackupStore store;
    private final BackupConfig config;
    private final RequestChecks checks;

    BackupResource(BackupJobs jobs, BackupStore store, BackupConfig config, RequestChecks checks) {
        this.jobs = jobs;
        this.store = store;
        this.config = config;
        this.checks = checks;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a backup", description = "Optional JSON body {\"format\": \"gzip|zstd|custom\"}. "
            + "202 with the job; 409 with the running job when a backup of the database is already running")
    public Response trigger(TriggerRequest request, @Context UriInfo uri) {
        BackupFormat format = request == null || request.format() == null ? config.compression() : request.format();
        BackupJob job = jobs.start("api", format);
        URI location = uri.getBaseUriBuilder().path("api/backups/jobs").path(job.id()).build();
        return Response.accepted(job).location(location).build();
    }

    /** A bare POST (any or no content type, as curl sends it) starts a backup in the configured format. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(hidden = true)
    public Response triggerWithoutBody(String body, @Context UriInfo uri) {
        RequestChecks.requireNoBody(body);
        return trigger(null, uri);
    }

    @GET
    @Operation(summary = "Completed backups with their metadata, newest first")
    public List<BackupMetadata> list() {
        return store.list();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Metadata of one backup")
    public BackupMetadata get(@PathParam("id") String id) {
        return checks.backup(id);
    }

    @GET
    @Path("/{id}/download")
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "The dump file, streamed, with its SHA-256 in X-Checksum-SHA256 and Repr-Digest")
    public Response download(@PathParam("id") String id) {
        return Downloads.dump(store, checks.backup(id));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a backup (metadata first, then the dump)")
    public Response delete(@PathParam("id") String id) throws IOException {
        BackupMetadata backup = checks.backup(id);
        if (!store.delete(backup.id())) {
            throw ApiException.notFound("No backup " + id);
        }
        return Response.noContent().build();
    }
}
