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

/** The packaged service in prod, archiving WAL as a replication role of its own, refuses to start without that role's password. */
@QuarkusMainIntegrationTest
@TestProfile(ProdRefusesWalUserWithoutPasswordIT.WalUserWithoutPassword.class)
class ProdRefusesWalUserWithoutPasswordIT {

    public static class WalUserWithoutPassword implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "backup.api.token", "s3cr3t-token",
                    "backup.db.password", "secret",
                    "backup.wal.enabled", "true",
                    "backup.wal.user", "linkstack_replication",
                    "backup.dir", System.getProperty("java.io.tmpdir") + "/backup-service-wal-refusal-test",
                    "quarkus.http.port", "0");
        }
    }

    @Test
    @Launch(value = {}, exitCode = RequiredSecrets.EXIT_CODE)
    void refusesToStart(LaunchResult result) {
        String output = result.getOutput() + result.getErrorOutput();
        assertTrue(output.contains("Refusing to start: BACKUP_WAL_PASSWORD is not set"), output);
        assertEquals(1, output.lines().filter(line -> line.contains("Refusing to start")).count());
    }
}
