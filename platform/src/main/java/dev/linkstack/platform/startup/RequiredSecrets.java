package dev.linkstack.platform.startup;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * In production a service refuses to start when a secret is missing or still the placeholder copied from an
 * {@code .env.*.example} file, with a one-line reason and exit code 78. Where Quarkus' boot already uses the
 * database (the app's Flyway would fail first, at length), {@code main} checks before the boot
 * ({@link #refuseToStartWithout}); otherwise the started application checks with its own config mapping
 * ({@link #refusal}); a mapping built before the boot was not there in the native executable.
 */
public final class RequiredSecrets {
    /** Every placeholder in the env examples contains this marker. */
    public static final String PLACEHOLDER_MARKER = "change-me";
    /** EX_CONFIG from sysexits.h: a configuration error. */
    public static final int EXIT_CODE = 78;

    private RequiredSecrets() {
    }

    /**
     * Exits with {@link #EXIT_CODE} when the production launch lacks a secret. {@code secrets} names each required
     * secret (by the environment variable an operator sets) with its configured value.
     */
    public static void refuseToStartWithout(Function<SmallRyeConfig, Map<String, Optional<String>>> secrets) {
        List<String> problems = problemsAtLaunch(secrets);
        if (!problems.isEmpty()) {
            System.err.println("Refusing to start: " + String.join("; ", problems));
            System.exit(EXIT_CODE);
        }
    }

    /** In a started application: the exit code to stop with when production lacks a secret, empty to go on. */
    public static Optional<Integer> refusal(Map<String, Optional<String>> secretsByEnvName) {
        List<String> problems = ConfigUtils.getProfiles().contains("prod") ? problems(secretsByEnvName) : List.of();
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        System.err.println("Refusing to start: " + String.join("; ", problems));
        return Optional.of(EXIT_CODE);
    }

    static List<String> problemsAtLaunch(Function<SmallRyeConfig, Map<String, Optional<String>>> secrets) {
        // The build records the AppCDS archive with a run that stops after static init and never serves.
        if (launchedByDevOrTestTooling() || ApplicationLifecycleManager.isAppCDSGeneration()) {
            return List.of();
        }
        SmallRyeConfig config = launchConfig();
        return config.getProfiles().contains("prod") ? problems(secrets.apply(config)) : List.of();
    }

    /** One message per secret that is missing, blank, or a placeholder. */
    public static List<String> problems(Map<String, Optional<String>> secretsByEnvName) {
        List<String> problems = new ArrayList<>();
        secretsByEnvName.forEach((env, value) -> {
            if (value.isEmpty() || value.get().isBlank()) {
                problems.add(env + " is not set");
            } else if (value.get().toLowerCase(Locale.ROOT).contains(PLACEHOLDER_MARKER)) {
                problems.add(env + " is still the placeholder \"" + PLACEHOLDER_MARKER + "\" from the env example");
            }
        });
        return problems;
    }

    /**
     * {@code quarkus dev} and in-process tests also call {@code main}, before Quarkus has set its launch mode; they
     * load the application through Quarkus' own class loader, while the packaged jar and native image do not.
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
                .addDefaultSources()
                .withValidateUnknown(false); // the service's other settings are Quarkus' to check
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
