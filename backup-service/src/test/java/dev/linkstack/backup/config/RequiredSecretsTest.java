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

    @Test
    void aWalUserNeedsItsPasswordWhileTheArchiveIsOn() {
        Map<String, String> archive = Map.of("backup.api.enabled", "false", "backup.db.password", "pw", "backup.wal.enabled", "true",
                "backup.wal.user", "linkstack_replication");
        assertEquals(List.of("BACKUP_WAL_PASSWORD is not set"), RequiredSecrets.problems(BackupConfig.requiredSecrets(backupConfig(archive))));
        Map<String, String> placeholder = new java.util.HashMap<>(archive);
        placeholder.put("backup.wal.password", "change-me-backup-replication-password");
        assertEquals(List.of("BACKUP_WAL_PASSWORD is still the placeholder \"change-me\" from the env example"),
                RequiredSecrets.problems(BackupConfig.requiredSecrets(backupConfig(placeholder))));
        Map<String, String> set = new java.util.HashMap<>(archive);
        set.put("backup.wal.password", "r3pl-secret");
        assertEquals(List.of(), RequiredSecrets.problems(BackupConfig.requiredSecrets(backupConfig(set))));
        Map<String, String> off = new java.util.HashMap<>(archive);
        off.put("backup.wal.enabled", "false");
        assertEquals(List.of(), RequiredSecrets.problems(BackupConfig.requiredSecrets(backupConfig(off))), "archive off: not needed");
        assertEquals(List.of(), RequiredSecrets.problems(BackupConfig.requiredSecrets(backupConfig(Map.of("backup.api.enabled", "false",
                "backup.db.password", "pw", "backup.wal.enabled", "true")))), "no WAL user: the database user's password serves");
    }

    @Test
    void encryptionNeedsASigningKey() {
        Map<String, String> encrypted = Map.of("backup.api.enabled", "false", "backup.db.password", "pw",
                "backup.encryption.recipient", "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p");
        assertEquals(List.of("BACKUP_SIGNING_KEY is not set"), RequiredSecrets.problems(BackupConfig.requiredSecrets(backupConfig(encrypted))));
        Map<String, String> signed = new java.util.HashMap<>(encrypted);
        signed.put("backup.encryption.signing-key", "0123456789abcdef0123456789abcdef");
        assertEquals(List.of(), RequiredSecrets.problems(BackupConfig.requiredSecrets(backupConfig(signed))));
    }
}
