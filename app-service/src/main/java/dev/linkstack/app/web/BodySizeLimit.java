package dev.linkstack.app.web;

import dev.linkstack.platform.errors.ApiError;
import dev.linkstack.app.config.AppConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Refuses oversized bodies with a JSON 413 before reading them (the HTTP layer's hard cap answers without a body). */
public class BodySizeLimit {
    private final long maxBodyBytes;

    BodySizeLimit(AppConfig config) {
        this.maxBodyBytes = config.limits().maxBodyBytes();
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return null;
        }
        try {
            if (Long.parseLong(length.trim()) > maxBodyBytes) {
                return ApiError.response(413, "payload_too_large", "Request body is larger than " + maxBodyBytes + " bytes");
            }
            return null;
        } catch (NumberFormatException e) {
            return ApiError.response(400, "bad_request", "Invalid Content-Length");
        }
    }
}
