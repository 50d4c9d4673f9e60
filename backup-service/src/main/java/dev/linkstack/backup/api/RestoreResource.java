package dev.linkstack.backup.api;

import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.postgres.DatabaseName;
import dev.linkstack.backup.restore.DatabaseUnavailableException;
import dev.linkstack.backup.restore.MissingKeyException;
import dev.linkstack.backup.restore.RestoreFailedException;
import dev.linkstack.backup.restore.RestoreResult;
import dev.linkstack.backup.restore.RestoreService;
import dev.linkstack.platform.errors.ApiException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Restoring a backup into a database of the server. */
@Path("/api/backups/{id}/restore")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups")
@SecurityRequirement(name = "bearer")
public class RestoreResource {
    private final RestoreService restores;
    private final RequestChecks checks;

    RestoreResource(RestoreService restores, RequestChecks checks) {
        this.restores = restores;
        this.checks = checks;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Restore into a database (created if missing) in one transaction",
            description = "The body names the database twice: {\"database\": \"x\", \"confirm\": \"x\"}")
    public RestoreResult restore(@PathParam("id") String id, RestoreRequest request)
            throws RestoreFailedException, DatabaseUnavailableException, MissingKeyException {
        BackupMetadata backup = checks.backup(id);
        if (request == null || request.database() == null || request.database().isBlank()) {
            throw ApiException.badRequest("Name the target database: {\"database\": \"name\", \"confirm\": \"name\"}");
        }
        if (!DatabaseName.isValid(request.database())) {
            throw ApiException.badRequest("Invalid database name (letters, digits, _ and -, at most 63, not starting with a digit)");
        }
        if (!request.database().equals(request.confirm())) {
            throw ApiException.badRequest("Restoring replaces data: repeat the database name in 'confirm'");
        }
        return restores.restore(backup, request.database(), RequestChecks.ageIdentity(request.identity()));
    }
}
