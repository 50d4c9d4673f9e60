package dev.linkstack.app.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An {@code /api} endpoint no API token may call, whatever its scope: only a signed-in session. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface SessionsOnly {
    /** Why, in words for the caller (it ends up in the 403's message). */
    String value();
}
