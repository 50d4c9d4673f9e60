package dev.linkstack.app.web;

import dev.linkstack.platform.errors.ApiError;
import dev.linkstack.app.config.AppConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses oversized bodies with a JSON 413 before reading them (the HTTP layer's hard cap answers without a body).
 * Link imports have a larger limit of their own; the import also counts what it reads, for bodies sent without a
 * Content-Length.
 */
public class BodySizeLimit {
    /** The import endpoints: the API's and the dashboard's upload. Other spellings of these paths get the small limit. */
    private static final java.util.Set<String> IMPORTS = java.util.Set.of("/api/links/import", "/dashboard/import");

    private final long maxBodyBytes;
    private final long maxImportBytes;

    BodySizeLimit(AppConfig config) {
        this.maxBodyBytes = config.limits().maxBodyBytes();
        this.maxImportBytes = config.limits().maxImportBytes();
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return null;
        }
        long limit = IMPORTS.contains(request.getUriInfo().getPath()) ? maxImportBytes : maxBodyBytes;
        try {
            if (Long.parseLong(length.trim()) > limit) {
                return ApiError.response(413, "payload_too_large", "Request body is larger than " + limit + " bytes");
            }
            return null;
        } catch (NumberFormatException e) {
            return ApiError.response(400, "bad_request", "Invalid Content-Length");
        }
    }
}
