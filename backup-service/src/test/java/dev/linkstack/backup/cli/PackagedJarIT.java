package dev.linkstack.backup.cli;

import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.FreePort;
import dev.linkstack.testing.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar in the prod profile, configured only through the environment (libpq variables) the way the
 * container runs it: as the service, and as commands run next to the running service.
 */
class PackagedJarIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static TestPostgres postgres;

    @BeforeAll
    static void startPostgres() {
        assertTrue(Files.exists(JAR), "package the module first: " + JAR.toAbsolutePath());
        postgres = TestPostgres.startInstalled();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void commandsBackupListVerifyAndRestore() throws Exception {
        Run backup = run(List.of("backup", "--format", "zstd"), "");
        assertEquals(0, backup.exit, backup.err);
        assertTrue(backup.out.startsWith("backup shop-"), backup.out);
        String id = backup.out.split(" ")[1];

        Run list = run(List.of("list"), "");
        assertEquals(0, list.exit, list.err);
        assertTrue(list.out.contains(id), list.out);
        assertFalse(list.out.contains("INFO"), "command output is free of log lines: " + list.out);

        Run verify = run(List.of("verify", id), "");
        assertEquals(0, verify.exit, verify.err);
        assertTrue(verify.out.contains("is good"), verify.out);

        Run restore = run(List.of("restore", id, "--to", "from_cli"), "from_cli\n");
        assertEquals(0, restore.exit, restore.err);
        assertEquals(postgres.snapshot(TestPostgres.DATABASE), postgres.snapshot("from_cli"));

        Run usage = run(List.of("restore", "--to"), "");
        assertEquals(BackupCommandLine.USAGE, usage.exit);
        assertTrue(usage.err.contains("Usage: backup-service"), usage.err);
    }

    @Test
    void serviceAndCommandsRunSideBySide() throws Exception {
        int port = FreePort.find();
        Process service = start(List.of(), Map.of("PORT", String.valueOf(port), "BACKUP_API_TOKEN", "jar-test-token"));
        try {
            Processes.waitForPort(port, Duration.ofSeconds(60));
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            // A bare POST, as "curl -X POST -H 'Authorization: Bearer ...'" sends it.
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(base + "/api/backups"))
                    .header("Authorization", "Bearer jar-test-token").POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode(), accepted.body());
            String location = accepted.headers().firstValue("Location").orElseThrow();
            String job = "";
            for (int i = 0; i < 600 && !job.contains("SUCCEEDED"); i++) {
                job = http.send(HttpRequest.newBuilder(URI.create(location)).header("Authorization", "Bearer jar-test-token").build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertFalse(job.contains("FAILED"), job);
                Thread.sleep(100);
            }
            assertTrue(job.contains("SUCCEEDED"), job);

            // The container health check: the same artifact probes the running service and exits 0, or 1 when nothing answers.
            Run healthy = run(List.of("healthcheck", base + "/q/health/ready"), "");
            assertEquals(0, healthy.exit, healthy.err);
            Run unreachable = run(List.of("healthcheck", "http://127.0.0.1:1/q/health/ready"), "");
            assertEquals(1, unreachable.exit, unreachable.err);

            // The command does not open the HTTP port, so it runs next to the service.
            Run list = run(List.of("list"), "");
            assertEquals(0, list.exit, list.err);
            assertTrue(list.out.contains("1 backup(s)"), list.out);
        } finally {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(List.of(0, 143).contains(service.exitValue()), "stopped on SIGTERM, exit " + service.exitValue());
    }

    private Process start(List<String> args, Map<String, String> extraEnv) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        configure(builder.environment());
        builder.environment().putAll(extraEnv);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    private Run run(List<String> args, String stdin) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        configure(builder.environment());
        Path out = Files.createTempFile("cli-out", ".txt");
        Path err = Files.createTempFile("cli-err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "command " + args + " did not exit");
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Only libpq and BACKUP_* variables, as in the container. */
    private static void configure(Map<String, String> env) {
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", String.valueOf(postgres.server().port()));
        env.put("PGDATABASE", TestPostgres.DATABASE);
        env.put("PGUSER", TestPostgres.OWNER);
        env.put("PGPASSWORD", TestPostgres.OWNER_PASSWORD);
        env.put("BACKUP_DIR", postgres.backupDir().toString());
        env.put("BACKUP_PG_BIN_DIR", TestPostgres.clientBinDir());
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    private record Run(int exit, String out, String err) {
    }
}
