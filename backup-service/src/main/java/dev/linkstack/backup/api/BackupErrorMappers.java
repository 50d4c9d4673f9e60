package dev.linkstack.backup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.linkstack.backup.model.BackupAlreadyRunningException;
import dev.linkstack.backup.model.BackupJob;
import dev.linkstack.backup.restore.DatabaseUnavailableException;
import dev.linkstack.backup.restore.MissingKeyException;
import dev.linkstack.backup.restore.RestoreFailedException;
import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.platform.errors.ApiError;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import software.amazon.awssdk.core.exception.SdkException;

/** The backup service's own failures as JSON error bodies; the shared mappers in {@code platform} answer the rest. */
public class BackupErrorMappers {
    private static final Logger LOG = Logger.getLogger(BackupErrorMappers.class);

    /** The error body of a 409 for a backup already running, with that job so a client can follow it instead. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection // always sent inside a Response: not seen by the REST build steps
    public record AlreadyRunningError(int status, String error, String message, BackupJob runningJob) {
    }

    @ServerExceptionMapper
    public Response alreadyRunning(BackupAlreadyRunningException e) {
        return Response.status(409).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new AlreadyRunningError(409, "backup_running", e.getMessage(), e.runningJob().orElse(null))).build();
    }

    @ServerExceptionMapper
    public Response restoreFailed(RestoreFailedException e) {
        return ApiError.response(422, "restore_failed", e.getMessage());
    }

    @ServerExceptionMapper
    public Response pitrRefused(dev.linkstack.backup.pitr.PitrRefusal e) {
        return ApiError.response(e.status(), e.error(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response missingKey(MissingKeyException e) {
        return ApiError.response(400, "private_key_required", e.getMessage());
    }

    @ServerExceptionMapper
    public Response databaseUnavailable(DatabaseUnavailableException e) {
        return ApiError.response(503, "database_unavailable", e.getMessage());
    }

    @ServerExceptionMapper
    public Response storeUnreadable(BackupStore.StoreException e) {
        LOG.error(e.getMessage());
        return ApiError.response(503, "backup_directory_unavailable", e.getMessage());
    }

    /** The off-site store cannot be reached or refused the request: a dependency outage, not a server bug. */
    @ServerExceptionMapper
    public Response offsiteUnavailable(SdkException e) {
        LOG.warnf("off-site storage failed: %s", e.getMessage());
        return ApiError.response(503, "offsite_unavailable", "Off-site storage is not reachable: " + e.getMessage());
    }
}
