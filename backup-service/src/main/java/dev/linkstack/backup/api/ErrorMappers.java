package dev.linkstack.backup.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.linkstack.backup.model.BackupAlreadyRunningException;
import dev.linkstack.backup.restore.DatabaseUnavailableException;
import dev.linkstack.backup.restore.RestoreFailedException;
import dev.linkstack.backup.store.BackupStore;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.stream.Collectors;

/** Turns every failure into a JSON error body; clients never see a stack trace. */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return ApiError.response(e.status(), e.error(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response alreadyRunning(BackupAlreadyRunningException e) {
        return ApiError.response(new ApiError(409, "backup_running", e.getMessage(), e.runningJob().orElse(null)));
    }

    @ServerExceptionMapper
    public Response restoreFailed(RestoreFailedException e) {
        return ApiError.response(422, "restore_failed", e.getMessage());
    }

    @ServerExceptionMapper
    public Response missingKey(dev.linkstack.backup.restore.MissingKeyException e) {
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

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return ApiError.response(400, "bad_request", "Unknown field '" + e.getPropertyName() + "'");
    }

    /** Overrides the built-in mapper, which answers with an empty body. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return invalidJson(e);
    }

    @ServerExceptionMapper
    public Response invalidJson(JsonMappingException e) {
        String field = path(e);
        String detail = e.getCause() instanceof IllegalArgumentException cause ? cause.getMessage() : "has an invalid value";
        return ApiError.response(400, "bad_request", field.isEmpty() ? "Request body does not have the expected shape" : "Field '" + field + "' " + detail);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return ApiError.response(400, "bad_request", "Malformed JSON: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonMappingException mapping) {
            return mapping instanceof UnrecognizedPropertyException unknown ? unknownField(unknown) : invalidJson(mapping);
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
            return ApiError.response(status, "internal_error", "The server could not handle this request");
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String reason = known == null ? "Error" : known.getReasonPhrase();
        return ApiError.response(status, reason.toLowerCase().replace(' ', '_'), reason);
    }

    /** The off-site store cannot be reached or refused the request: a dependency outage, not a server bug. */
    @ServerExceptionMapper
    public Response offsiteUnavailable(software.amazon.awssdk.core.exception.SdkException e) {
        LOG.warnf("off-site storage failed: %s", e.getMessage());
        return ApiError.response(503, "offsite_unavailable", "Off-site storage is not reachable: " + e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("unexpected failure", e);
        return ApiError.response(500, "internal_error", "The server could not handle this request");
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()))
                .collect(Collectors.joining("."));
    }
}
