package dev.linkstack.app;

import dev.linkstack.platform.startup.RequiredSecrets;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The secrets the app refuses to start without in production, from the settings an operator gives it. */
class MainSecretsTest {

    @Test
    void aMigrationRoleOfItsOwnNeedsItsOwnPassword() {
        assertEquals(List.of("DB_MIGRATION_PASSWORD is not set"), problems(Map.of("quarkus.flyway.username", "linkstack_owner")));
        assertEquals(List.of("DB_MIGRATION_PASSWORD is still the placeholder \"change-me\" from the env example"),
                problems(Map.of("quarkus.flyway.username", "linkstack_owner", "quarkus.flyway.password", "change-me-db-owner-password")));
        assertEquals(List.of(), problems(Map.of("quarkus.flyway.username", "linkstack_owner", "quarkus.flyway.password", "Owner-pw-9")));
    }

    @Test
    void withoutAMigrationRoleOnlyTheAppsPasswordIsNeeded() {
        assertEquals(List.of(), problems(Map.of()));
    }

    private static List<String> problems(Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("quarkus.datasource.password", "App-pw-9", "app.backend", "memory"));
        all.putAll(settings);
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(all, "test", 100)).build();
        return RequiredSecrets.problems(Main.requiredSecrets(config));
    }
}
