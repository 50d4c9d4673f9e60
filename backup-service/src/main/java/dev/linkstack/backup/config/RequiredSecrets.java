package dev.linkstack.backup.config;

import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * In production, refuses to start when a secret is missing or still the placeholder copied from an example
 * env file, with a one-line reason instead of a confusing failure at the first backup.
 */
@Singleton
public class RequiredSecrets {
    private static final Logger LOG = Logger.getLogger(RequiredSecrets.class);
    /** Every placeholder in the env examples contains this marker. */
    public static final String PLACEHOLDER_MARKER = "change-me";
    public static final int EXIT_CODE = 78; // EX_CONFIG

    private final BackupConfig config;

    public RequiredSecrets(BackupConfig config) {
        this.config = config;
    }

    /**
     * Checked before the service or a command runs: returns the exit code to stop with, or empty to go on.
     * Only the prod profile insists; dev and test run with whatever they are given.
     */
    public Optional<Integer> refusal() {
        if (!ConfigUtils.getProfiles().contains("prod")) {
            return Optional.empty();
        }
        List<String> problems = problems(config);
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        LOG.errorf("Refusing to start: %s", String.join("; ", problems));
        return Optional.of(EXIT_CODE);
    }

    static List<String> problems(BackupConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.api().enabled()) {
            check("BACKUP_API_TOKEN", config.api().token(), problems);
        }
        // A passfile is the alternative to a password in the environment.
        if (config.db().passfile().isEmpty()) {
            check("BACKUP_DB_PASSWORD (or PGPASSWORD)", config.db().password(), problems);
        }
        return problems;
    }

    static void check(String name, Optional<String> value, List<String> problems) {
        if (value.isEmpty() || value.get().isBlank()) {
            problems.add(name + " is not set");
        } else if (value.get().toLowerCase(Locale.ROOT).contains(PLACEHOLDER_MARKER)) {
            problems.add(name + " is still the placeholder \"" + PLACEHOLDER_MARKER + "\"");
        }
    }
}
