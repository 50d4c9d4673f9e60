package dev.linkstack.deploy;

/**
 * A variable of an .env example. {@code example} is what the example file holds: a default, or a placeholder
 * containing {@link #PLACEHOLDER_MARKER} for secrets, which the services refuse to start with in production.
 */
public record EnvVar(String name, String example, boolean secret, String description) {
    public static final String PLACEHOLDER_MARKER = "change-me";

    static EnvVar secret(String name, String description) {
        return new EnvVar(name, PLACEHOLDER_MARKER + "-" + name.toLowerCase().replace('_', '-'), true, description);
    }

    static EnvVar setting(String name, String example, String description) {
        return new EnvVar(name, example, false, description);
    }

    /** A setting whose example is the service's own default (see {@link ServiceDefaults}), written only there. */
    static EnvVar serviceDefault(String name, ServiceDefaults service, String description) {
        return setting(name, service.of(name), description);
    }

    /** How a Compose file refers to it: required secrets fail fast with a message, settings fall back to the example. */
    public String reference() {
        return secret ? "${" + name + ":?set " + name + " in the .env file}" : "${" + name + ":-" + example + "}";
    }
}
