package dev.linkstack.app.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.linkstack.app.auth.LoginThrottle;
import dev.linkstack.app.errors.BackendUnavailableException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
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
    public Response tooManySignIns(LoginThrottle.TooManyAttempts e) {
        return Response.fromResponse(ApiError.response(429, "too_many_attempts", e.getMessage()))
                .header("Retry-After", e.retryAfterSeconds()).build();
    }

    @ServerExceptionMapper
    public Response unrecognizedField(UnrecognizedPropertyException e) {
        return ApiError.response(400, "bad_request", "Unknown field '" + e.getPropertyName() + "'");
    }

    @ServerExceptionMapper
    public Response wrongType(InvalidFormatException e) {
        return ApiError.response(400, "bad_request", "Field '" + path(e) + "' has an invalid value");
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        String field = path(e);
        return ApiError.response(400, "bad_request", field.isEmpty() ? "Request body does not have the expected shape" : "Field '" + field + "' has the wrong type");
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return ApiError.response(400, "bad_request", "Malformed JSON: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e) {
        return unauthorizedResponse();
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthorizedResponse();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ApiError.response(403, "forbidden", "You are not allowed to do this");
    }

    @ServerExceptionMapper
    public Response backendDown(BackendUnavailableException e) {
        return ApiError.response(503, "service_unavailable", e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status < 400) {
            return e.getResponse(); // a redirect (e.g. to the sign-in page), not an error
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return json instanceof MismatchedInputException mismatch ? mismatchedInput(mismatch) : malformedJson(json);
        }
        if (status >= 500) {
            LOG.error("request failed", e);
            return ApiError.response(status, "internal_error", "The server could not handle this request");
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String reason = known == null ? "error" : known.getReasonPhrase();
        return ApiError.response(status, reason.toLowerCase().replace(' ', '_'), reason);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        BackendUnavailableException backend = BackendUnavailableException.findIn(e);
        if (backend != null) {
            return backendDown(backend);
        }
        if (isBadPercentEncoding(e)) {
            return ApiError.response(400, "bad_request", "Malformed percent-encoding in the URL or form");
        }
        if (isRefusedValue(e)) {
            return ApiError.response(400, "bad_request", "A value in the request cannot be stored or searched (for example a NUL character)");
        }
        if (isBadMultipart(e)) {
            return ApiError.response(400, "bad_request", "Malformed multipart body");
        }
        LOG.error("unexpected failure", e);
        return ApiError.response(500, "internal_error", "The server could not handle this request");
    }

    /** The form and URL decoders refuse broken escapes such as "%zz" with a bare IllegalArgumentException. */
    private static boolean isBadPercentEncoding(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException && t.getMessage() != null && t.getMessage().startsWith("Failed to decode")) {
                return true;
            }
        }
        return false;
    }

    /**
     * PostgreSQL refuses some values the checks before it let through, e.g. text with a NUL character: SQLSTATE class
     * 22 ("data exception") means the client's value was at fault, not the server.
     */
    private static boolean isRefusedValue(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    /** The form reader parses any multipart body it is sent and fails with an IOException on a broken one. */
    private static boolean isBadMultipart(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException && t.getMessage() != null && t.getMessage().contains("multipart")) {
                return true;
            }
        }
        return false;
    }

    private static Response unauthorizedResponse() {
        return Response.fromResponse(ApiError.response(401, "unauthorized", "Sign in or send an API token"))
                .header("WWW-Authenticate", "Bearer").build();
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()))
                .collect(Collectors.joining("."));
    }
}
