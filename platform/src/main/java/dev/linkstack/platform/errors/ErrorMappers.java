package dev.linkstack.platform.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns every failure into the JSON error body, the same way in both services: the client's mistakes are 4xx with a
 * sentence naming the field, anything unexpected is a logged 500 without a stack trace in the response.
 */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    private final List<KnownFailures> knownFailures;

    ErrorMappers(Instance<KnownFailures> knownFailures) {
        this.knownFailures = knownFailures.stream().toList();
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return ApiError.response(e.status(), e.error(), e.getMessage());
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
        if (e instanceof UnrecognizedPropertyException unknown) {
            return unknownField(unknown);
        }
        String field = path(e);
        if (field.isEmpty()) {
            return ApiError.response(400, "bad_request", "Request body does not have the expected shape");
        }
        // A value the type refused says why (e.g. an unknown backup format); a value of the wrong kind says which.
        String detail = e.getCause() instanceof IllegalArgumentException cause && cause.getMessage() != null ? cause.getMessage()
                : e instanceof InvalidFormatException ? "has an invalid value" : "has the wrong type";
        return ApiError.response(400, "bad_request", "Field '" + field + "' " + detail);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping) {
            return invalidJson(mapping);
        }
        return ApiError.response(400, "bad_request", "Malformed JSON: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status < 400) {
            return e.getResponse(); // a redirect (e.g. to the sign-in page), not an error
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json);
        }
        if (status >= 500) {
            LOG.error("request failed", e);
            return ApiError.response(status, "internal_error", "The server could not handle this request");
        }
        return ApiError.forStatus(status);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            Optional<Response> known = answer(cause);
            if (known.isPresent()) {
                return known.get();
            }
        }
        LOG.error("unexpected failure", e);
        return ApiError.response(500, "internal_error", "The server could not handle this request");
    }

    private Optional<Response> answer(Throwable cause) {
        // The form and URL decoders refuse broken escapes such as "%zz" with a bare IllegalArgumentException.
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null && cause.getMessage().startsWith("Failed to decode")) {
            return Optional.of(ApiError.response(400, "bad_request", "Malformed percent-encoding in the URL or form"));
        }
        // A Content-Type header that is no media type at all fails while the REST layer picks a method.
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null && cause.getMessage().startsWith("Failed to parse media type")) {
            return Optional.of(ApiError.response(415, "unsupported_media_type", "The Content-Type header is not a media type"));
        }
        for (KnownFailures failures : knownFailures) {
            Optional<Response> answer = failures.answer(cause);
            if (answer.isPresent()) {
                return answer;
            }
        }
        return Optional.empty();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()))
                .collect(Collectors.joining("."));
    }
}
