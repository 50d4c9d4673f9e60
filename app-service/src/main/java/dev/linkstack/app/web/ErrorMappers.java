package dev.linkstack.app.web;

import dev.linkstack.app.auth.CredentialThrottle;
import dev.linkstack.app.errors.BackendUnavailableException;
import dev.linkstack.platform.errors.ApiError;
import dev.linkstack.platform.errors.KnownFailures;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Optional;

/**
 * The app's own failures as JSON error bodies; the shared mappers in {@code platform} answer everything else and ask
 * {@link #answer} about each cause of an unexpected failure.
 */
@Singleton
public class ErrorMappers implements KnownFailures {

    @ServerExceptionMapper
    public Response tooManyAttempts(CredentialThrottle.TooManyAttempts e) {
        return Response.fromResponse(ApiError.response(429, "too_many_attempts", e.getMessage()))
                .header("Retry-After", e.retryAfterSeconds()).build();
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

    @Override
    public Optional<Response> answer(Throwable cause) {
        if (cause instanceof BackendUnavailableException backend) {
            return Optional.of(backendDown(backend));
        }
        // PostgreSQL refuses some values the checks before it let through, e.g. text with a NUL character: SQLSTATE
        // class 22 ("data exception") means the client's value was at fault, not the server.
        if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
            return Optional.of(ApiError.response(400, "bad_request", "A value in the request cannot be stored or searched (for example a NUL character)"));
        }
        // The form reader parses any multipart body it is sent and fails with an IOException on a broken one.
        if (cause instanceof java.io.IOException && cause.getMessage() != null && cause.getMessage().contains("multipart")) {
            return Optional.of(ApiError.response(400, "bad_request", "Malformed multipart body"));
        }
        return Optional.empty();
    }

    private static Response unauthorizedResponse() {
        return Response.fromResponse(ApiError.response(401, "unauthorized", "Sign in or send an API token"))
                .header("WWW-Authenticate", "Bearer").build();
    }
}
