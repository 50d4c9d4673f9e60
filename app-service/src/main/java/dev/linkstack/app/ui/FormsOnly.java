package dev.linkstack.app.ui;

import dev.linkstack.platform.errors.ApiError;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The pages' POST endpoints take HTML forms only. The CSRF filter verifies form bodies and lets other content types
 * through (the JSON API needs that), so a page POST without a form content type must be refused here, before it
 * could reach a page unchecked.
 */
public class FormsOnly {

    @ServerRequestFilter(preMatching = true)
    public jakarta.ws.rs.core.Response check(ContainerRequestContext request) {
        if (!"POST".equals(request.getMethod()) || request.getUriInfo().getPath().startsWith("/api/")) {
            return null;
        }
        MediaType type;
        try {
            type = request.getMediaType();
        } catch (IllegalArgumentException unparseable) {
            type = null; // e.g. "Content-Type: garbage"
        }
        // Exact types: isCompatible would let wildcards such as "*/*" through.
        if (type != null && (sameType(type, MediaType.APPLICATION_FORM_URLENCODED_TYPE) || sameType(type, MediaType.MULTIPART_FORM_DATA_TYPE))) {
            return null;
        }
        return ApiError.response(415, "unsupported_media_type", "Pages accept forms only (application/x-www-form-urlencoded)");
    }

    private static boolean sameType(MediaType a, MediaType b) {
        return a.getType().equalsIgnoreCase(b.getType()) && a.getSubtype().equalsIgnoreCase(b.getSubtype());
    }
}
