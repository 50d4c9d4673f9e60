package dev.linkstack.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The defaults a service applies itself in the prod profile (what its container runs), read from its
 * {@code application.properties}: every {@code key=${ENV_VAR:default}} line, {@code %prod.} lines winning. The build
 * copies both services' files onto this module's classpath ({@code service-defaults/<module>/}), so the deployment
 * model writes a default into Compose, Kubernetes and the .env examples without writing it a second time.
 */
public final class ServiceDefaults {
    /** A whole value that is one environment variable with a literal default, e.g. {@code ${BACKUP_KEEP_LAST:3}}. */
    private static final Pattern ENV_WITH_DEFAULT = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):([^${}]*)}");

    public static final ServiceDefaults APP = load("app-service");
    public static final ServiceDefaults BACKUP = load("backup-service");

    private final String module;
    private final Map<String, String> defaults;

    private ServiceDefaults(String module, Map<String, String> defaults) {
        this.module = module;
        this.defaults = Collections.unmodifiableMap(defaults);
    }

    /** The service's default for an environment variable; fails when the service reads it without a literal default. */
    public String of(String envVar) {
        String value = defaults.get(envVar);
        if (value == null) {
            throw new IllegalStateException(module + "'s application.properties has no ${" + envVar + ":default}");
        }
        return value;
    }

    /** Every environment variable the service reads with a literal default, with that default. */
    public Map<String, String> all() {
        return defaults;
    }

    public String module() {
        return module;
    }

    private static ServiceDefaults load(String module) {
        String resource = "/service-defaults/" + module + "/application.properties";
        Properties properties = new Properties();
        try (InputStream in = ServiceDefaults.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " missing from the classpath (copied by the deployment module's build)");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> defaults = new LinkedHashMap<>();
        // Unprofiled lines first, then %prod. ones over them.
        for (boolean prodProfile : new boolean[] {false, true}) {
            properties.stringPropertyNames().stream().sorted()
                    .filter(key -> prodProfile ? key.startsWith("%prod.") : !key.startsWith("%"))
                    .forEach(key -> {
                        Matcher matcher = ENV_WITH_DEFAULT.matcher(properties.getProperty(key).strip());
                        if (matcher.matches()) {
                            defaults.put(matcher.group(1), matcher.group(2));
                        }
                    });
        }
        return new ServiceDefaults(module, defaults);
    }
}
