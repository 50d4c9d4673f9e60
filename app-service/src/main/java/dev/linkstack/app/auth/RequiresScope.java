package dev.linkstack.app.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The least scope an API token needs for this endpoint (on a method, or on its class for all of them). Sessions are
 * not concerned. An {@code /api} endpoint with neither this nor {@link SessionsOnly} refuses every token, so a new
 * endpoint is closed to tokens until it states its rule.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RequiresScope {
    TokenScope value();
}
