package dev.linkstack.backup.api;

import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.offsite.OffsiteCopy;
import dev.linkstack.platform.errors.ApiException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.util.List;

/** Off-site copies: the list, and fetching one back into the backup directory. */
@Path("/api/backups/offsite")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups")
@SecurityRequirement(name = "bearer")
public class OffsiteResource {
    private final OffsiteCopy offsiteCopy;

    OffsiteResource(OffsiteCopy offsiteCopy) {
        this.offsiteCopy = offsiteCopy;
    }

    @GET
    @Operation(summary = "Backups copied to off-site storage (complete, checksum-verified copies), newest first")
    public List<BackupMetadata> offsiteCopies() {
        return offsite().list();
    }

    @POST
    @Path("/{id}/fetch")
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
}
