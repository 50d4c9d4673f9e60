package dev.linkstack.backup.api;

import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The form and URL decoders refuse broken escapes such as "%zz" with a bare IllegalArgumentException, which would
 * otherwise reach the catch-all mapper as a 500: the client sent it, so it is a 400.
 */
public class MalformedEncodingMapper {
    private static final Logger LOG = Logger.getLogger(MalformedEncodingMapper.class);

    @ServerExceptionMapper
    public Response illegalArgument(IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("Failed to decode")) {
            return ApiError.response(400, "bad_request", "Malformed percent-encoding in the URL or form");
        }
        LOG.error("unexpected failure", e);
        return ApiError.response(500, "internal_error", "The server could not handle this request");
    }
}
