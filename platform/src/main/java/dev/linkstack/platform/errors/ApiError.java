package dev.linkstack.platform.errors;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The JSON body of every error response of both services: the status, a stable machine-readable code, a sentence. */
@RegisterForReflection // always built into a Response, so the REST build steps never see it
public record ApiError(int status, String error, String message) {

    public Response toResponse() {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(this).build();
    }

    public static Response response(int status, String error, String message) {
        return new ApiError(status, error, message).toResponse();
    }

    /** The code for a bare HTTP status, e.g. 404 "not_found", with its reason phrase as the message. */
    public static Response forStatus(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String reason = known == null ? "Error" : known.getReasonPhrase();
        return response(status, reason.toLowerCase(java.util.Locale.ROOT).replace(' ', '_'), reason);
    }
}
