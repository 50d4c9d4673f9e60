package dev.linkstack.backup.api;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.jobs.BackupJobs;
import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupJob;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.model.RunId;
import dev.linkstack.backup.model.RunManifest;
import dev.linkstack.backup.offsite.OffsiteCopy;
import dev.linkstack.backup.postgres.DatabaseName;
import dev.linkstack.backup.restore.BackupVerification;
import dev.linkstack.backup.restore.DatabaseUnavailableException;
import dev.linkstack.backup.restore.MissingKeyException;
import dev.linkstack.backup.restore.RestoreFailedException;
import dev.linkstack.backup.restore.RestoreResult;
import dev.linkstack.backup.restore.RestoreService;
import dev.linkstack.backup.restore.RunRestore;
import dev.linkstack.backup.restore.VerifyReport;
import dev.linkstack.backup.retention.RetentionPreview;
import dev.linkstack.backup.retention.RetentionService;
import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.backup.store.RunStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.net.URI;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

@Path("/api/backups")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "bearer")
public class BackupResource {
    static final String CHECKSUM_HEADER = "X-Checksum-SHA256";

    @Inject
    BackupJobs jobs;

    @Inject
    BackupStore store;

    @Inject
    RestoreService restores;

    @Inject
    BackupConfig config;

    @Inject
    RetentionService retention;

    @Inject
    RunStore runStore;

    @Inject
    OffsiteCopy offsiteCopy;

    @Inject
    RunRestore runRestore;

    @Inject
    BackupVerification verification;

    @Inject
    ObjectMapper json;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Start a backup", description = "Optional JSON body {\"format\": \"gzip|zstd|custom\"}. "
            + "202 with the job; 409 with the running job when a backup of the database is already running")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TriggerRequest.class)))
    public Response trigger(String body, @Context HttpHeaders headers, @Context UriInfo uri) throws IOException {
        // The body is optional, so a bare POST (any or no content type) must work: parse only when there is one.
        TriggerRequest request = null;
        if (body != null && !body.isBlank()) {
            if (!MediaType.APPLICATION_JSON_TYPE.isCompatible(headers.getMediaType())) {
                throw new ApiException(415, "unsupported_media_type", "Send the body as application/json");
            }
            request = json.readValue(body, TriggerRequest.class);
        }
        BackupFormat format = request == null || request.format() == null ? config.compression() : request.format();
        BackupJob job = jobs.start("api", format);
        URI location = uri.getBaseUriBuilder().path("api/backups/jobs").path(job.id()).build();
        return Response.accepted(job).location(location).build();
    }

    @GET
    @Path("/jobs")
    @Operation(summary = "Recent backup jobs, newest first")
    public List<BackupJob> recentJobs() {
        return jobs.recent();
    }

    @GET
    @Path("/jobs/{jobId}")
    @Operation(summary = "Status of a backup job")
    public BackupJob job(@PathParam("jobId") String jobId) {
        if (!BackupJobs.isValidJobId(jobId)) {
            throw ApiException.badRequest("Invalid job id");
        }
        return jobs.find(jobId).orElseThrow(() -> ApiException.notFound("No job " + jobId));
    }

    @GET
    @Operation(summary = "Completed backups with their metadata, newest first")
    public List<BackupMetadata> list() {
        return store.list();
    }

    @GET
    @Path("/retention-preview")
    @Operation(summary = "What the retention policy would delete now (nothing is deleted)",
            description = "Backups of the configured database that the next retention run would delete, and why each other one is kept")
    public RetentionPreview retentionPreview() {
        return retention.preview(config.db().name());
    }

    @GET
    @Path("/offsite")
    @Operation(summary = "Backups copied to off-site storage (complete, checksum-verified copies), newest first")
    public List<BackupMetadata> offsiteCopies() {
        return offsite().list();
    }

    @POST
    @Path("/offsite/{id}/fetch")
    @Operation(summary = "Bring an off-site copy back into the backup directory (checksum checked); then verify or restore it as usual")
    public BackupMetadata fetchOffsite(@PathParam("id") String id) {
        if (!BackupId.isValid(id)) {
            throw ApiException.badRequest("Invalid backup id");
        }
        BackupMetadata copy = offsite().find(id).orElseThrow(() -> ApiException.notFound("No off-site copy " + id));
        try {
            return offsiteCopy.fetch(copy);
        } catch (IOException e) {
            throw new ApiException(502, "offsite_failed", "Fetching " + id + " failed: " + e.getMessage());
        }
    }

    private OffsiteCopy offsite() {
        if (!offsiteCopy.enabled()) {
            throw ApiException.notFound("Off-site copies are not configured (BACKUP_OFFSITE_ENDPOINT)");
        }
        return offsiteCopy;
    }

    @GET
    @Path("/runs")
    @Operation(summary = "Complete backup runs (several databases and/or roles and tablespaces), newest first")
    public List<RunManifest> runs() {
        return runStore.list();
    }

    @POST
    @Path("/runs/{runId}/restore")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Restore a run: roles and tablespaces first, then every database under its own name",
            description = "The body repeats the run id: {\"confirm\": \"run-...\"}; \"identity\" for encrypted runs")
    public RunRestore.Result restoreRun(@PathParam("runId") String runId, RunRestoreRequest request)
            throws RestoreFailedException, DatabaseUnavailableException, MissingKeyException {
        if (!RunId.isValid(runId)) {
            throw ApiException.badRequest("Invalid run id");
        }
        RunManifest run = runStore.find(runId).orElseThrow(() -> ApiException.notFound("No run " + runId));
        if (request == null || !runId.equals(request.confirm())) {
            throw ApiException.badRequest("Restoring a run replaces the data of every database in it: repeat the run id in 'confirm'");
        }
        requireAgeIdentity(java.util.Optional.ofNullable(request.identity()));
        return runRestore.restore(run, java.util.Optional.ofNullable(request.identity()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Metadata of one backup")
    public BackupMetadata get(@PathParam("id") String id) {
        return backup(id);
    }

    @GET
    @Path("/{id}/download")
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "The dump file, streamed, with its SHA-256 in X-Checksum-SHA256 and Repr-Digest")
    public Response download(@PathParam("id") String id) {
        return downloadResponse(store, backup(id));
    }

    /** The dump streamed from disk with its checksum; also used by the backups page. */
    public static Response downloadResponse(BackupStore store, BackupMetadata backup) {
        java.nio.file.Path file = store.dumpFile(backup);
        String digest = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(backup.sha256()));
        return Response.ok(file.toFile(), backup.format().contentType())
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file.getFileName() + "\"")
                .header(CHECKSUM_HEADER, backup.sha256())
                .header("Repr-Digest", "sha-256=:" + digest + ":")
                .build();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a backup (metadata first, then the dump)")
    public Response delete(@PathParam("id") String id) throws IOException {
        BackupMetadata backup = backup(id);
        if (!store.delete(backup.id())) {
            throw ApiException.notFound("No backup " + id);
        }
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/verify")
    @Operation(summary = "Check the checksum and restore into a scratch database that is dropped afterwards",
            description = "200 with tables and row counts when the backup restores; 422 with the reason when it does not")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VerifyRequest.class)))
    public Response verify(@PathParam("id") String id, String body, @Context HttpHeaders headers)
            throws DatabaseUnavailableException, MissingKeyException, IOException {
        BackupMetadata backup = backup(id);
        VerifyRequest request = null;
        if (body != null && !body.isBlank()) {
            if (!MediaType.APPLICATION_JSON_TYPE.isCompatible(headers.getMediaType())) {
                throw new ApiException(415, "unsupported_media_type", "Send the body as application/json");
            }
            request = json.readValue(body, VerifyRequest.class);
        }
        java.util.Optional<String> identity = java.util.Optional.ofNullable(request).map(VerifyRequest::identity);
        requireAgeIdentity(identity);
        VerifyReport report = verification.verify(backup, "api", identity);
        return Response.status(report.ok() ? 200 : 422).entity(report).build();
    }

    @POST
    @Path("/{id}/restore")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Restore into a database (created if missing) in one transaction",
            description = "The body names the database twice: {\"database\": \"x\", \"confirm\": \"x\"}")
    public RestoreResult restore(@PathParam("id") String id, RestoreRequest request)
            throws RestoreFailedException, DatabaseUnavailableException, MissingKeyException {
        BackupMetadata backup = backup(id);
        if (request == null || request.database() == null || request.database().isBlank()) {
            throw ApiException.badRequest("Name the target database: {\"database\": \"name\", \"confirm\": \"name\"}");
        }
        if (!DatabaseName.isValid(request.database())) {
            throw ApiException.badRequest("Invalid database name (letters, digits, _ and -, at most 63, not starting with a digit)");
        }
        if (!request.database().equals(request.confirm())) {
            throw ApiException.badRequest("Restoring replaces data: repeat the database name in 'confirm'");
        }
        requireAgeIdentity(java.util.Optional.ofNullable(request.identity()));
        return restores.restore(backup, request.database(), java.util.Optional.ofNullable(request.identity()));
    }

    /** A malformed key is the caller's mistake (400), not a damaged backup (422). */
    private static void requireAgeIdentity(java.util.Optional<String> identity) {
        if (identity.isPresent() && !identity.get().strip().startsWith("AGE-SECRET-KEY-1")) {
            throw ApiException.badRequest("'identity' must be an age X25519 private key (AGE-SECRET-KEY-1...)");
        }
    }

    private BackupMetadata backup(String id) {
        if (!BackupId.isValid(id)) {
            throw ApiException.badRequest("Invalid backup id");
        }
        return store.find(id).orElseThrow(() -> ApiException.notFound("No backup " + id));
    }
}
