package dev.linkstack.backup.config;

import dev.linkstack.platform.startup.RequiredSecrets;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.linkstack.backup.config.TestConfigs.backupConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RequiredSecretsTest {

    @Test
    void missingAndPlaceholderSecretsAreNamed() {
        assertEquals(List.of("BACKUP_API_TOKEN is not set", "BACKUP_DB_PASSWORD (or PGPASSWORD) is not set"),
                RequiredSecrets.problems(BackupConfig.requiredSecrets(backupConfig(Map.of()))));
        assertEquals(List.of("BACKUP_API_TOKEN is still the placeholder \"change-me\" from the env example", "BACKUP_DB_PASSWORD (or PGPASSWORD) is still the placeholder \"change-me\" from the env example"),
                RequiredSecrets.problems(BackupConfig.requiredSecrets(backupConfig(Map.of("backup.api.token", "CHANGE-ME-token", "backup.db.password", "please-change-me")))));
    }

    @Test
    void realSecretsPass() {
        assertEquals(List.of(), RequiredSecrets.problems(BackupConfig.requiredSecrets(backupConfig(Map.of("backup.api.token", "s3cr3t-token", "backup.db.password", "pw")))));
    }

    @Test
    void aPassfileReplacesThePasswordAndNoApiNeedsNoToken() {
        assertEquals(List.of(), RequiredSecrets.problems(BackupConfig.requiredSecrets(backupConfig(Map.of("backup.api.enabled", "false", "backup.db.passfile", "/run/secrets/pgpass")))));
    }
}
