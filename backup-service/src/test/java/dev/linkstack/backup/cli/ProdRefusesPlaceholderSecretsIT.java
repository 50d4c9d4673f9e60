package dev.linkstack.backup.cli;

import dev.linkstack.platform.startup.RequiredSecrets;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service in prod refuses to start on a placeholder secret, or without the WAL archive's password when it
 * archives as a role of its own, with a one-line reason.
 */
@QuarkusMainIntegrationTest
@TestProfile(ProdRefusesPlaceholderSecretsIT.PlaceholderSecrets.class)
class ProdRefusesPlaceholderSecretsIT {

    public static class PlaceholderSecrets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "backup.api.token", "change-me",
                    "backup.db.password", "secret",
                    "backup.wal.enabled", "true",
                    "backup.wal.user", "linkstack_replication",
                    "backup.dir", System.getProperty("java.io.tmpdir") + "/backup-service-refusal-test",
                    "quarkus.http.port", "0");
        }
    }

    @Test
    @Launch(value = {}, exitCode = RequiredSecrets.EXIT_CODE)
    void refusesToStart(LaunchResult result) {
        String output = result.getOutput() + result.getErrorOutput();
        assertTrue(output.contains("Refusing to start: BACKUP_API_TOKEN is still the placeholder \"change-me\""), output);
        assertTrue(output.contains("; BACKUP_WAL_PASSWORD is not set"), output);
        assertEquals(1, output.lines().filter(line -> line.contains("Refusing to start")).count());
    }
}
