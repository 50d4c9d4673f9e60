package dev.linkstack.app.redirect;

import io.quarkus.csrf.reactive.runtime.RestCsrfConfig;
import io.quarkus.runtime.Startup;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The CSRF token of a link's password form. The CSRF filter checks every form POST, {@code POST /{code}} included,
 * but hands out tokens only on the fixed paths of quarkus.rest-csrf.create-token-path, never on the redirect path; so
 * the form page makes the visitor's token itself, the way the filter does (a cookie of its name and attributes with
 * random bytes, base64url), or takes the one the visitor already has (a signed-in user's tabs keep working).
 */
@ApplicationScoped
@Startup // so that a configuration it cannot serve stops the start, not the first visitor
class VisitorCsrf {
    private final RestCsrfConfig config;
    private final SecureRandom random = new SecureRandom();

    VisitorCsrf(RestCsrfConfig config) {
        this.config = config;
        if (config.tokenSignatureKey().isPresent()) {
            // A signed cookie is not what this class writes: refuse to start rather than fail every unlock.
            throw new IllegalStateException("quarkus.rest-csrf.token-signature-key is not supported by the link password form");
        }
    }

    RedirectPages.Csrf token(RoutingContext context) {
        Cookie existing = context.request().getCookie(config.cookieName());
        String token = existing == null ? null : existing.getValue();
        if (token == null || token.isEmpty()) {
            byte[] bytes = new byte[config.tokenSize()];
            random.nextBytes(bytes);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Cookie cookie = Cookie.cookie(config.cookieName(), token).setPath(config.cookiePath()).setHttpOnly(config.cookieHttpOnly())
                    .setSecure(config.cookieForceSecure() || context.request().isSSL()).setMaxAge(config.cookieMaxAge().toSeconds());
            config.cookieDomain().ifPresent(cookie::setDomain);
            context.response().addCookie(cookie);
        }
        return new RedirectPages.Csrf(config.formFieldName(), token);
    }
}
