package dev.linkstack.backup.api;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.platform.errors.ApiError;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Locale;
import java.util.Optional;

/**
 * Guards every /api path with the configured bearer token before routing, so unknown /api paths answer 401 too and
 * reveal nothing. Health, metrics and OpenAPI stay open for probes and scrapers.
 */
public class BearerTokenFilter {
    private static final String API_PREFIX = "/api";
    private static final String BEARER = "bearer ";

    private final BackupConfig config;
    private final ApiTokenCheck token;

    @Inject
    public BearerTokenFilter(BackupConfig config, ApiTokenCheck token) {
        this.config = config;
        this.token = token;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!(path.equals(API_PREFIX) || path.startsWith(API_PREFIX + "/"))) {
            return Optional.empty();
        }
        if (!config.api().enabled()) {
            return Optional.of(ApiError.response(404, "not_found", "The REST API is disabled"));
        }
        if (!token.configured()) {
            return Optional.of(unauthorized("No API token is configured (BACKUP_API_TOKEN)"));
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            return Optional.of(unauthorized("Send the API token as 'Authorization: Bearer <token>'"));
        }
        if (!token.accepts(header.substring(BEARER.length()))) {
            return Optional.of(unauthorized("Invalid API token"));
        }
        return Optional.empty();
    }

    private static Response unauthorized(String message) {
        return Response.fromResponse(ApiError.response(401, "unauthorized", message)).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }
}
