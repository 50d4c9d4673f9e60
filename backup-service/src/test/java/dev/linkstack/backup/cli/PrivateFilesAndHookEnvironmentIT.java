package dev.linkstack.backup.cli;

import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.ReliabilityReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service backs up under umask 000 with its secrets in the environment: everything it writes is private
 * to its user, and the post-backup hook, which prints its environment, sees none of the secrets.
 */
class PrivateFilesAndHookEnvironmentIT {
    private static final PackagedService SERVICE = PackagedService.of(Path.of("."));
    private static final Map<String, String> SECRETS = Map.of(
            "BACKUP_API_TOKEN", "secret-api-token-4711",
            "BACKUP_OFFSITE_ACCESS_KEY", "secret-access-key-4712",
            "BACKUP_OFFSITE_SECRET_KEY", "secret-s3-key-4713",
            "BACKUP_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook/secret-webhook-4714");

    @TempDir
    Path work;

    @Test
    void filesAre0600DirectoriesAre0700AndHooksSeeNoSecret() throws Exception {
        try (TestPostgres postgres = TestPostgres.startInstalled()) {
            Path dir = work.resolve("backups"); // created by the service
            Path hookEnv = work.resolve("hook-env.txt");
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "umask 000; exec \"$0\" \"$@\""));
            command.addAll(SERVICE.command(Map.of("quarkus.log.level", "INFO"), List.of("backup")));
            ProcessBuilder builder = new ProcessBuilder(command);
            Map<String, String> env = builder.environment();
            env.put("BACKUP_DB_HOST", "127.0.0.1");
            env.put("BACKUP_DB_PORT", String.valueOf(postgres.server().port()));
            env.put("BACKUP_DB_NAME", TestPostgres.DATABASE);
            env.put("BACKUP_DB_USER", TestPostgres.OWNER);
            env.put("BACKUP_DB_PASSWORD", TestPostgres.OWNER_PASSWORD);
            env.put("BACKUP_DIR", dir.toString());
            env.put("BACKUP_PG_BIN_DIR", TestPostgres.clientBinDir());
            env.put("BACKUP_GLOBALS", "true"); // a run: manifest and globals dump under runs/
            env.put("BACKUP_POST_HOOK", "env > '" + hookEnv + "'; env");
            env.putAll(SECRETS);
            Path log = work.resolve("service.log");
            Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the backup finishes");
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), output);

            List<String> loose = new ArrayList<>();
            int checked = 0;
            try (Stream<Path> written = Files.walk(dir)) {
                for (Path path : written.toList()) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                    checked++;
                    if (!mode.equals(Files.isDirectory(path) ? "rwx------" : "rw-------")) {
                        loose.add(dir.relativize(path) + " " + mode);
                    }
                }
            }
            assertTrue(checked >= 6, "backup dir, runs/, dump, metadata, manifest and globals: " + checked);

            String seenByHook = Files.readString(hookEnv, StandardCharsets.UTF_8);
            List<String> leaked = new ArrayList<>();
            List<String> secretValues = new ArrayList<>(SECRETS.values());
            secretValues.add(TestPostgres.OWNER_PASSWORD);
            for (String secret : secretValues) {
                if (seenByHook.contains(secret) || output.contains(secret)) {
                    leaked.add(secret);
                }
            }
            ReliabilityReport.record("backup-service: files under umask 000 and the hook environment",
                    "1 backup run (dump, metadata, manifest, globals) with 5 secrets in the environment",
                    loose.size() + " readable by others, " + leaked.size() + " secrets seen by the hook",
                    loose.isEmpty() && leaked.isEmpty() ? "none" : "backups or secrets exposed to other users and hooks");
            assertEquals(List.of(), loose, "everything the service wrote is private to its user");
            assertTrue(output.contains("[post-backup hook] BACKUP_DATABASE=shop"), "the hook's output is logged: " + output);
            assertTrue(seenByHook.contains("BACKUP_STATUS=succeeded") && seenByHook.contains("PATH="), seenByHook);
            assertEquals(List.of(), leaked, "no secret in the hook's environment or the log");
            assertFalse(seenByHook.contains("PGPASSWORD") || seenByHook.contains("BACKUP_DB_PASSWORD"), seenByHook);
        }
    }
}
