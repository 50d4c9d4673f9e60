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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

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
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check the checksum and restore into a scratch database that is dropped afterwards",
            description = "Optional JSON body {\"identity\": \"AGE-SECRET-KEY-1...\"} for an encrypted backup. "
                    + "200 with tables and row counts when the backup restores; 422 with the reason when it does not")
    public Response verify(@PathParam("id") String id, VerifyRequest request) throws DatabaseUnavailableException, MissingKeyException {
        BackupMetadata backup = checks.backup(id);
        Optional<String> identity = RequestChecks.ageIdentity(request == null ? null : request.identity());
        VerifyReport report = verification.verify(backup, "api", identity);
        return Response.status(report.ok() ? 200 : 422).entity(report).build();
    }

    /** A bare POST (any or no content type) verifies a backup that needs no key. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(hidden = true)
    public Response verifyWithoutBody(@PathParam("id") String id, String body) throws DatabaseUnavailableException, MissingKeyException {
        RequestChecks.requireNoBody(body);
        return verify(id, null);
    }
}
