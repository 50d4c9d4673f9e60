package dev.linkstack.app.links;

import dev.linkstack.app.errors.NotFound;

public class LinkNotFound extends NotFound {
    public LinkNotFound(String code) {
        super("No link with code '" + code + "'");
    }
}
