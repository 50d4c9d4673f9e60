package dev.linkstack.app.tokens;

import dev.linkstack.app.errors.NotFound;

public class TokenNotFound extends NotFound {
    public TokenNotFound(String id) {
        super("No token " + id);
    }
}
