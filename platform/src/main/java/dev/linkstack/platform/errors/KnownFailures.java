package dev.linkstack.platform.errors;

import jakarta.ws.rs.core.Response;

import java.util.Optional;

/**
 * A service's own knowledge of failures that arrive wrapped or untyped (a dependency outage deep in a cause chain, a
 * value the database refused): the catch-all mapper asks every such bean about each cause before it answers 500.
 */
public interface KnownFailures {

    /** The answer for this one cause (not its chain), or empty when this is not a failure this bean knows. */
    Optional<Response> answer(Throwable cause);
}
