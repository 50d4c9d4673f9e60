package dev.linkstack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every default the deployment hands a service is the service's own: the fallbacks of the production Compose file,
 * the .env example and the Kubernetes config maps agree with the {@code ${VAR:default}} of the service's
 * application.properties (prod profile) or the {@code @WithDefault} of its {@code @ConfigMapping}, so changing a
 * default in a service and not here fails the build.
 */
class ServiceDefaultsTest {
    /** Deployment choices, not defaults: the example is a placeholder the operator replaces. */
    private static final Set<String> PLACEHOLDERS = Set.of("PUBLIC_BASE_URL",
            // The owner role the init script creates; the app's own empty default means "migrate as DB_USER", backup-service's
            // "restore as BACKUP_DB_USER".
            "DB_MIGRATION_USER", "BACKUP_RESTORE_ROLE",
            // The WAL archive's own volume; backup-service's empty default means "<BACKUP_DIR>/wal".
            "BACKUP_WAL_DIR",
            // The deployment archives WAL (off in backup-service by default), as the replication role it creates (backup-service's
            // empty default: as BACKUP_DB_USER), with a daily base backup (none by default).
            "BACKUP_WAL_ENABLED", "BACKUP_WAL_USER", "BACKUP_BASE_CRON");
    private static final Pattern FALLBACK = Pattern.compile("^\\$\\{([A-Z][A-Z0-9_]*):-([^}]*)}$");
    private static final Defaults APP = new Defaults("app-service", ServiceDefaults.APP);
    private static final Defaults BACKUP = new Defaults("backup-service", ServiceDefaults.BACKUP);

    /** A service's defaults by environment variable: application.properties first, then @WithDefault. */
    private record Defaults(String module, Map<String, String> all) {
        Defaults(String module, ServiceDefaults properties) {
            this(module, merged(module, properties));
        }

        private static Map<String, String> merged(String module, ServiceDefaults properties) {
            Map<String, String> all = new java.util.LinkedHashMap<>(ConfigMappingDefaults.of(module));
            all.putAll(properties.all());
            return all;
        }
    }

    @Test
    void bothServicesDefaultsAreReadFromTheirApplicationProperties() {
        assertEquals("3", ServiceDefaults.BACKUP.of("BACKUP_KEEP_LAST"));
        assertEquals("true", ServiceDefaults.APP.of("SESSION_COOKIE_SECURE"), "the prod profile's value wins");
        assertFalse(ServiceDefaults.APP.all().isEmpty());
        assertEquals("30", BACKUP.all().get("BACKUP_RETENTION_DAYS"), "from @WithDefault: " + BACKUP.all());
        assertEquals("backups", BACKUP.all().get("BACKUP_OFFSITE_BUCKET"), BACKUP.all().toString());
        assertEquals("", BACKUP.all().get("BACKUP_ENCRYPTION_RECIPIENT"), "an Optional without a default is unset");
    }

    @Test
    void composeFallbacksAreTheServicesDefaults() {
        JsonNode services = RepositoryFiles.yaml(ComposeFilesTest.PRODUCTION).path("services");
        List<String> differing = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            Defaults defaults = defaultsOf(service.getKey());
            if (defaults == null) {
                return;
            }
            service.getValue().path("environment").fields().forEachRemaining(variable -> {
                // The variable the service reads (e.g. BACKUP_KEEP_LAST), with the .env file's value or this fallback.
                Matcher fallback = FALLBACK.matcher(variable.getValue().asText());
                String name = variable.getKey();
                if (fallback.matches() && defaults.all().containsKey(name) && !PLACEHOLDERS.contains(name)) {
                    check(defaults, name, fallback.group(2), service.getKey() + " in " + ComposeFilesTest.PRODUCTION, differing);
                }
            });
        });
        assertEquals(List.of(), differing);
    }

    @Test
    void envExampleSettingsAreTheServicesDefaults() {
        List<String> differing = new ArrayList<>();
        for (EnvVar variable : DeploymentModel.productionEnv()) {
            if (variable.secret() || PLACEHOLDERS.contains(variable.name())) {
                continue;
            }
            for (Defaults defaults : List.of(APP, BACKUP)) {
                if (defaults.all().containsKey(variable.name())) {
                    check(defaults, variable.name(), variable.example(), ".env.production.example", differing);
                }
            }
        }
        assertEquals(List.of(), differing);
    }

    @Test
    void kubernetesConfigMapsSetTheServicesDefaults() {
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, String> setting : KubernetesManifests.backupConfig().entrySet()) {
            if (BACKUP.all().containsKey(setting.getKey()) && !PLACEHOLDERS.contains(setting.getKey())) {
                check(BACKUP, setting.getKey(), setting.getValue(), "backup-config", differing);
            }
        }
        for (Map.Entry<String, String> setting : KubernetesManifests.appConfig().entrySet()) {
            if (APP.all().containsKey(setting.getKey()) && !PLACEHOLDERS.contains(setting.getKey())
                    && !setting.getKey().endsWith("_URL")) { // DB_URL, REDIS_URL: the cluster's host names
                check(APP, setting.getKey(), setting.getValue(), "app-config", differing);
            }
        }
        assertEquals(List.of(), differing);
    }

    private static Defaults defaultsOf(String composeService) {
        if (composeService.startsWith("app-")) {
            return APP;
        }
        return composeService.equals("backup") ? BACKUP : null;
    }

    private static void check(Defaults defaults, String name, String value, String where, List<String> differing) {
        String expected = defaults.all().get(name);
        if (expected == null) {
            differing.add(where + ": " + name + "=" + value + ", but " + defaults.module() + " has no default for it");
        } else if (!expected.equals(value)) {
            differing.add(where + ": " + name + "=" + value + ", " + defaults.module() + "'s default is " + expected);
        }
    }
}
