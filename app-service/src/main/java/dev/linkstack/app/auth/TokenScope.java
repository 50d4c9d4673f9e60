package dev.linkstack.app.auth;

import dev.linkstack.app.errors.InvalidInput;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What an API token may do, each scope including the ones before it: {@code read} only reads, {@code create} also
 * shortens links, {@code full} does everything the API lets a token do. Stored and shown in lower case.
 */
public enum TokenScope {
    READ, CREATE, FULL;

    public static final String RULE = "scope must be one of " + Arrays.stream(values()).map(TokenScope::value).collect(Collectors.joining(", "));

    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean includes(TokenScope needed) {
        return compareTo(needed) >= 0;
    }

    /** The scope named by a request; {@code null} or blank is {@code fallback}, anything else unknown is a 400. */
    public static TokenScope parse(String value, TokenScope fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        for (TokenScope scope : values()) {
            if (scope.value().equals(value)) {
                return scope;
            }
        }
        throw new InvalidInput("scope", RULE);
    }
}
