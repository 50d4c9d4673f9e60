package dev.linkstack.app.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * In production, the service refuses to start when a secret is missing or still the placeholder copied from an
 * {@code .env.*.example} file, with a one-line reason. It runs from {@link Main} before Quarkus boots, because
 * Flyway would otherwise try the database first and fail with a long stack trace instead.
 */
public final class RequiredSecrets {
    /** Every placeholder in the env examples contains this marker. */
    public static final String PLACEHOLDER_MARKER = "change-me";
    /** EX_CONFIG from sysexits.h: a configuration error. */
    public static final int EXIT_CODE = 78;

    private RequiredSecrets() {
    }

    /** Problems with the configuration the application is about to start with; empty outside production. */
    public static List<String> problemsAtLaunch() {
        if (launchedByDevOrTestTooling()) {
            return List.of();
        }
        SmallRyeConfig config = launchConfig();
        if (!config.getProfiles().contains("prod")) {
            return List.of();
        }
        Map<String, Optional<String>> values = new LinkedHashMap<>();
        values.put("DB_PASSWORD", config.getOptionalValue("quarkus.datasource.password", String.class));
        if (!"memory".equalsIgnoreCase(config.getOptionalValue("app.backend", String.class).orElse("redis"))) {
            values.put("REDIS_PASSWORD", config.getOptionalValue("quarkus.redis.password", String.class));
        }
        return problems(values);
    }

    /** One message per secret that is missing, blank, or a placeholder. */
    static List<String> problems(Map<String, Optional<String>> secretsByEnvName) {
        List<String> problems = new ArrayList<>();
        secretsByEnvName.forEach((env, value) -> {
            if (value.isEmpty() || value.get().isBlank()) {
                problems.add(env + " is not set");
            } else if (value.get().toLowerCase(Locale.ROOT).contains(PLACEHOLDER_MARKER)) {
                problems.add(env + " is still the placeholder from the .env example");
            }
        });
        return problems;
    }

    /**
     * {@code quarkus dev} and tests also call {@link Main}, before Quarkus has set its launch mode; they load the
     * application through Quarkus' own class loader, while the packaged jar and native image do not.
     */
    private static boolean launchedByDevOrTestTooling() {
        return RequiredSecrets.class.getClassLoader().getClass().getName().equals("io.quarkus.bootstrap.classloading.QuarkusClassLoader");
    }

    /** The same sources Quarkus reads at run time: system properties, environment, application.properties. */
    private static SmallRyeConfig launchConfig() {
        String profile = System.getProperty("quarkus.profile", Optional.ofNullable(System.getenv("QUARKUS_PROFILE")).orElse("prod"));
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withProfile(profile)
                .addDefaultInterceptors()
                .addDefaultSources();
        URL properties = RequiredSecrets.class.getClassLoader().getResource("application.properties");
        if (properties != null) {
            try {
                builder.withSources(new PropertiesConfigSource(properties, 250));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return builder.build();
    }
}
