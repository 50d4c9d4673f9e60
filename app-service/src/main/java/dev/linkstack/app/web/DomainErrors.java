package dev.linkstack.app.web;

import dev.linkstack.app.errors.Conflict;
import dev.linkstack.app.errors.DomainError;
import dev.linkstack.app.errors.InvalidCredentials;
import dev.linkstack.app.errors.InvalidInput;
import dev.linkstack.platform.errors.ApiError;
import dev.linkstack.app.errors.NotAllowed;
import dev.linkstack.app.errors.NotFound;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;

/**
 * The services' refusals ({@link DomainError}) and Bean Validation's as the API's JSON errors; also what the pages
 * need to place an error on its form field.
 */
public class DomainErrors {

    @ServerExceptionMapper
    public Response refused(DomainError e) {
        int status = status(e);
        return ApiError.response(status, error(status), e.getMessage());
    }

    @ServerExceptionMapper
    public Response violated(ConstraintViolationException e) {
        return ApiError.response(400, "bad_request", first(e).getMessage());
    }

    public static int status(DomainError e) {
        if (e instanceof InvalidCredentials) {
            return 401;
        }
        if (e instanceof InvalidInput) {
            return 400;
        }
        if (e instanceof NotAllowed) {
            return 403;
        }
        if (e instanceof NotFound) {
            return 404;
        }
        if (e instanceof Conflict) {
            return 409;
        }
        return 503; // Unavailable
    }

    private static String error(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "invalid_credentials";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 409 -> "conflict";
            default -> "service_unavailable";
        };
    }

    /** The violation reported when there are several: the first by field, so the answer does not vary. */
    public static ConstraintViolation<?> first(ConstraintViolationException e) {
        return e.getConstraintViolations().stream()
                .min(Comparator.comparing((ConstraintViolation<?> v) -> v.getPropertyPath().toString())).orElseThrow();
    }

    /**
     * The field a violation is about: the last name in its path ("create.name" is "name", a service's argument named
     * after its form field). Messages are written to name their field, so the API's message needs nothing added.
     */
    public static String field(ConstraintViolation<?> violation) {
        String field = DomainError.WHOLE_FORM;
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getName() != null) {
                field = node.getName();
            }
        }
        return field;
    }
}
