package dev.linkstack.backup.cli;

import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.FreePort;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.S3ProxyServer;
import dev.linkstack.testing.TmpfsMount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

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
 * The packaged service (the jar, or the native executable in a native build) in the prod profile, configured only through the environment (libpq variables) the way the
 * container runs it: as the service, and as commands run next to the running service.
 */
class PackagedServiceIT {
    private static final PackagedService SERVICE = PackagedService.of(Path.of("."));
    private static final String SIGNING_KEY = "jar-test-signing-key-0123456789abcdef";
    private static TestPostgres postgres;

    @BeforeAll
    static void startPostgres() {
        SERVICE.artifact(); // fails with a hint when the module is not packaged
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
            awaitJob(http, accepted.headers().firstValue("Location").orElseThrow());

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

    @Test
    void encryptedZstdBackupsGoOffsiteAndRestoreWithThePrivateKey() throws Exception {
        java.security.KeyPair keys = dev.linkstack.backup.testing.EncryptionKeyResource.newKeyPair();
        Path identity = Files.createTempFile("age-identity", ".txt");
        // A folder of its own: the other tests count the backups in theirs.
        Path dir = Files.createTempDirectory(postgres.backupDir().getParent(), "encrypted-");
        Files.writeString(identity, keys.getPrivate().toString() + "\n");
        try (S3ProxyServer s3 = new S3ProxyServer(Path.of("target/s3proxy/s3proxy.jar")).start()) {
            try (S3Client client = s3Client(s3)) {
                client.createBucket(b -> b.bucket("packaged-offsite"));
            }
            int port = FreePort.find();
            Map<String, String> env = new java.util.HashMap<>(Map.of("PORT", String.valueOf(port), "BACKUP_API_TOKEN", "jar-test-token",
                    "BACKUP_ENCRYPTION_RECIPIENT", keys.getPublic().toString(),
                    "BACKUP_OFFSITE_ENDPOINT", s3.endpoint(), "BACKUP_OFFSITE_BUCKET", "packaged-offsite",
                    "BACKUP_OFFSITE_ACCESS_KEY", S3ProxyServer.ACCESS_KEY, "BACKUP_OFFSITE_SECRET_KEY", S3ProxyServer.SECRET_KEY));
            env.put("BACKUP_DIR", dir.toString());
            // Required in prod with a recipient: the service signs what it encrypts.
            env.put("BACKUP_SIGNING_KEY", SIGNING_KEY);
            Process service = start(List.of(), env);
            try {
                Processes.waitForPort(port, Duration.ofSeconds(60));
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + port;
                HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(base + "/api/backups"))
                        .header("Authorization", "Bearer jar-test-token").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"format\": \"zstd\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, accepted.statusCode(), accepted.body());
                String job = awaitJob(http, accepted.headers().firstValue("Location").orElseThrow());
                String id = job.replaceAll("(?s).*\"backupId\"\\s*:\\s*\"([^\"]+)\".*", "$1");
                assertTrue(id.startsWith("shop-"), job);

                // At rest and off site: age ciphertext, no SQL.
                Path local;
                try (var files = Files.list(dir)) {
                    local = files.filter(f -> f.getFileName().toString().startsWith(id) && f.getFileName().toString().endsWith(".age"))
                            .findFirst().orElseThrow(() -> new AssertionError("no encrypted file for " + id));
                }
                String head = new String(Files.readAllBytes(local), 0, 21, StandardCharsets.US_ASCII);
                assertEquals("age-encryption.org/v1", head);
                HttpResponse<String> offsite = http.send(HttpRequest.newBuilder(URI.create(base + "/api/backups/offsite"))
                        .header("Authorization", "Bearer jar-test-token").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, offsite.statusCode(), offsite.body());
                assertTrue(offsite.body().contains(id), offsite.body());
                try (S3Client client = s3Client(s3)) {
                    assertTrue(client.listObjectsV2(b -> b.bucket("packaged-offsite")).contents().stream().anyMatch(o -> o.key().contains(id)),
                            "the copy is in the bucket");
                }
            } finally {
                service.destroy();
                service.waitFor(30, TimeUnit.SECONDS);
            }

            Map<String, String> sameDir = Map.of("BACKUP_DIR", dir.toString(), "BACKUP_SIGNING_KEY", SIGNING_KEY);
            Run list = run(List.of("list"), "", sameDir);
            String id = list.out.lines().filter(line -> line.contains("zstd")).map(line -> line.trim().split("\\s+")[0]).findFirst()
                    .orElseThrow(() -> new AssertionError(list.out));
            Run verify = run(List.of("verify", id, "--identity-file", identity.toString()), "", sameDir);
            assertEquals(0, verify.exit, verify.err);
            assertTrue(verify.out.contains("is good"), verify.out);
            Run restore = run(List.of("restore", id, "--to", "from_encrypted", "--yes", "--identity-file", identity.toString()), "", sameDir);
            assertEquals(0, restore.exit, restore.err);
            assertEquals(postgres.snapshot(TestPostgres.DATABASE), postgres.snapshot("from_encrypted"));
        } finally {
            Files.deleteIfExists(identity);
        }
    }

    @Test
    void zstdBackupsNeedNoExecutableTmpWithTheInstalledLibrary() throws Exception {
        Assumptions.assumeTrue(TmpfsMount.requireSupport(), "no tmpfs mount here: skipped as -Dtests.allow-skips=true asks");
        Path library;
        try (var files = Files.list(Path.of("target/zstd-jni/linux/amd64"))) {
            library = files.filter(f -> f.getFileName().toString().endsWith(".so")).findFirst().orElseThrow();
        }
        Path tmp = Files.createTempDirectory("noexec-tmp");
        Path dir = Files.createTempDirectory(postgres.backupDir().getParent(), "zstd-");
        // /tmp as a Compose tmpfs mounts it: files there cannot be mapped as code.
        try (TmpfsMount noexec = TmpfsMount.mountNoexec(tmp, "64m")) {
            Map<String, String> tmpdir = Map.of("java.io.tmpdir", noexec.dir().toString());
            Run unpacked = runCommand(SERVICE.command(tmpdir, List.of("backup", "--format", "zstd")), "", Map.of("BACKUP_DIR", dir.toString()));
            assertTrue(unpacked.exit != 0, "zstd-jni unpacked into a noexec tmp cannot load (the control of this test): " + unpacked.out);
            Run installed = runCommand(SERVICE.command(tmpdir, List.of("backup", "--format", "zstd")), "",
                    Map.of("BACKUP_DIR", dir.toString(), "BACKUP_ZSTD_LIBRARY", library.toAbsolutePath().toString()));
            assertEquals(0, installed.exit, installed.err);
            assertTrue(installed.out.startsWith("backup shop-"), installed.out);
        }
    }

    private static S3Client s3Client(S3ProxyServer s3) {
        return S3Client.builder().endpointOverride(URI.create(s3.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    private static String awaitJob(HttpClient http, String location) throws Exception {
        String job = "";
        for (int i = 0; i < 600 && !job.contains("SUCCEEDED"); i++) {
            job = http.send(HttpRequest.newBuilder(URI.create(location)).header("Authorization", "Bearer jar-test-token").build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertFalse(job.contains("FAILED"), job);
            Thread.sleep(100);
        }
        assertTrue(job.contains("SUCCEEDED"), job);
        return job;
    }

    private Process start(List<String> args, Map<String, String> extraEnv) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(SERVICE.command(args));
        configure(builder.environment());
        builder.environment().putAll(extraEnv);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    private Run run(List<String> args, String stdin) throws Exception {
        return run(args, stdin, Map.of());
    }

    private Run run(List<String> args, String stdin, Map<String, String> extraEnv) throws Exception {
        return runCommand(SERVICE.command(args), stdin, extraEnv);
    }

    private Run runCommand(List<String> command, String stdin, Map<String, String> extraEnv) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        configure(builder.environment());
        builder.environment().putAll(extraEnv);
        Path out = Files.createTempFile("cli-out", ".txt");
        Path err = Files.createTempFile("cli-err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly(); // a hung command must not outlive the test
                throw new AssertionError("command " + command + " did not exit within 120 s:\n" + Files.readString(err));
            }
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

    private record Run(int exit, String out, String err) {
    }
}
