package dev.linkstack.backup.api;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.retention.RetentionPreview;
import dev.linkstack.backup.retention.RetentionService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the retention policy would delete now. */
@Path("/api/backups/retention-preview")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups")
@SecurityRequirement(name = "bearer")
public class RetentionResource {
    private final RetentionService retention;
    private final BackupConfig config;

    RetentionResource(RetentionService retention, BackupConfig config) {
        this.retention = retention;
        this.config = config;
    }

    @GET
    @Operation(summary = "What the retention policy would delete now (nothing is deleted)",
            description = "Backups of the configured database that the next retention run would delete, and why each other one is kept")
    public RetentionPreview retentionPreview() {
        return retention.preview(config.db().name());
    }
}
