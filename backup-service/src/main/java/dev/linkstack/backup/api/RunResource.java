package dev.linkstack.backup.api;

import dev.linkstack.backup.model.RunId;
import dev.linkstack.backup.model.RunManifest;
import dev.linkstack.backup.restore.DatabaseUnavailableException;
import dev.linkstack.backup.restore.MissingKeyException;
import dev.linkstack.backup.restore.RestoreFailedException;
import dev.linkstack.backup.restore.RunRestore;
import dev.linkstack.backup.store.RunStore;
import dev.linkstack.platform.errors.ApiException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Backup runs (several databases and/or roles and tablespaces): the list, and restoring one. */
@Path("/api/backups/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups")
@SecurityRequirement(name = "bearer")
public class RunResource {
    private final RunStore runStore;
    private final RunRestore runRestore;

    RunResource(RunStore runStore, RunRestore runRestore) {
        this.runStore = runStore;
        this.runRestore = runRestore;
    }

    @GET
    @Operation(summary = "Complete backup runs (several databases and/or roles and tablespaces), newest first")
    public List<RunManifest> runs() {
        return runStore.list();
    }

    @POST
    @Path("/{runId}/restore")
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
        return runRestore.restore(run, RequestChecks.ageIdentity(request.identity()));
    }
}
