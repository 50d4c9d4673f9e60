package dev.linkstack.platform.startup;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RequiredSecretsTest {

    @Test
    void missingBlankAndPlaceholderSecretsAreReportedByTheirEnvironmentName() {
        Map<String, Optional<String>> secrets = new LinkedHashMap<>();
        secrets.put("DB_PASSWORD", Optional.of("CHANGE-ME-db-password"));
        secrets.put("REDIS_PASSWORD", Optional.empty());
        secrets.put("OTHER", Optional.of("  "));
        secrets.put("GOOD", Optional.of("s3cr3t-Value"));
        assertEquals(List.of("DB_PASSWORD is still the placeholder \"change-me\" from the env example", "REDIS_PASSWORD is not set", "OTHER is not set"),
                RequiredSecrets.problems(secrets));
    }

    @Test
    void realSecretsPass() {
        assertEquals(List.of(), RequiredSecrets.problems(Map.of("DB_PASSWORD", Optional.of("Xy9-long-random"))));
    }
}
