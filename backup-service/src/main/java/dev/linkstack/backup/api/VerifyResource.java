package dev.linkstack.backup.api;

import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.restore.BackupVerification;
import dev.linkstack.backup.restore.DatabaseUnavailableException;
import dev.linkstack.backup.restore.MissingKeyException;
import dev.linkstack.backup.restore.VerifyReport;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.util.Optional;

/** Proof that a backup restores: into a scratch database that is dropped afterwards. */
@Path("/api/backups/{id}/verify")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups")
@SecurityRequirement(name = "bearer")
public class VerifyResource {
    private final BackupVerification verification;
    private final RequestChecks checks;

    VerifyResource(BackupVerification verification, RequestChecks checks) {
        this.verification = verification;
        this.checks = checks;
    }

    @POST
    @Operation(summary = "Check the checksum and restore into a scratch database that is dropped afterwards",
            description = "200 with tables and row counts when the backup restores; 422 with the reason when it does not")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VerifyRequest.class)))
    public Response verify(@PathParam("id") String id, String body, @Context HttpHeaders headers)
            throws DatabaseUnavailableException, MissingKeyException, IOException {
        BackupMetadata backup = checks.backup(id);
        Optional<String> identity = RequestChecks.ageIdentity(checks.optionalBody(body, headers, VerifyRequest.class).map(VerifyRequest::identity).orElse(null));
        VerifyReport report = verification.verify(backup, "api", identity);
        return Response.status(report.ok() ? 200 : 422).entity(report).build();
    }
}
