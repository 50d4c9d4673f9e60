package dev.linkstack.app.links;

import dev.linkstack.app.config.AppConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.UriInfo;

import java.util.Optional;

/** The short URL handed out for a code: the configured public base URL, or the (forwarded) base of the request. */
@ApplicationScoped
public class ShortUrls {
    private final Optional<String> publicBaseUrl;

    ShortUrls(AppConfig config) {
        this.publicBaseUrl = config.publicBaseUrl().map(url -> url.endsWith("/") ? url : url + "/");
    }

    public String of(String code, UriInfo request) {
        return publicBaseUrl.orElseGet(() -> request.getBaseUri().toString()) + code;
    }
}
