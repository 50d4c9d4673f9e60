package dev.linkstack.backup.api;

import dev.linkstack.backup.jobs.BackupJobs;
import dev.linkstack.backup.model.BackupJob;
import dev.linkstack.platform.errors.ApiException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Backup jobs: the recent ones and the status of one. */
@Path("/api/backups/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups")
@SecurityRequirement(name = "bearer")
public class JobResource {
    private final BackupJobs jobs;

    JobResource(BackupJobs jobs) {
        this.jobs = jobs;
    }

    @GET
    @Operation(summary = "Recent backup jobs, newest first")
    public List<BackupJob> recentJobs() {
        return jobs.recent();
    }

    @GET
    @Path("/{jobId}")
    @Operation(summary = "Status of a backup job")
    public BackupJob job(@PathParam("jobId") String jobId) {
        if (!BackupJobs.isValidJobId(jobId)) {
            throw ApiException.badRequest("Invalid job id");
        }
        return jobs.find(jobId).orElseThrow(() -> ApiException.notFound("No job " + jobId));
    }
}
