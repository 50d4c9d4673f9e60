package dev.linkstack.app.web;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The JSON body of every error response (always built into a Response, so registered for native reflection explicitly). */
@RegisterForReflection
public record ApiError(int status, String error, String message) {

    public Response toResponse() {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(this).build();
    }

    public static Response response(int status, String error, String message) {
        return new ApiError(status, error, message).toResponse();
    }
}
