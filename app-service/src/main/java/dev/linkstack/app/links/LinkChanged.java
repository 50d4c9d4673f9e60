package dev.linkstack.app.links;

/**
 * Fired (synchronously) after a change to the link with this code is committed: created, changed or deleted.
 * Whatever remembers where codes point must forget it before the API call that made the change returns.
 */
public record LinkChanged(String code) {
}
