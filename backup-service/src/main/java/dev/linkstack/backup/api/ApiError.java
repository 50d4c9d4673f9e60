package dev.linkstack.backup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.linkstack.backup.model.BackupJob;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The JSON body of every error response; {@code runningJob} is set on 409 when the running job is known. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@io.quarkus.runtime.annotations.RegisterForReflection // always sent inside a Response: not seen by the REST build steps
public record ApiError(int status, String error, String message, BackupJob runningJob) {

    public static Response response(int status, String error, String message) {
        return response(new ApiError(status, error, message, null));
    }

    public static Response response(ApiError body) {
        return Response.status(body.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
