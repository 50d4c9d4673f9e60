package dev.linkstack.backup.pitr;

import dev.linkstack.backup.cli.BackupCommandLine;
import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.files.Checksums;
import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.EncryptionKeyResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.CommandLineRun;
import dev.linkstack.backup.testing.S3Resource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static dev.linkstack.backup.pitr.PitrTesting.awaitOffsite;
import static dev.linkstack.backup.pitr.PitrTesting.awaitReceiverRunning;
import static dev.linkstack.backup.pitr.PitrTesting.connectOncePromoted;
import static dev.linkstack.backup.pitr.PitrTesting.restore;
import static dev.linkstack.backup.pitr.PitrTesting.switchWal;
import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The point-in-time archive with encryption and off-site copies on, on real servers (PostgreSQL 15, pg_receivewal,
 * S3Proxy): nothing completed is stored in plain, every base backup and segment reaches the bucket, and with the local
 * archive gone a restore from the off-site copy to latest (through the API and the command line) has every committed row.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = "backup.pitr.offsite-every", value = "PT1S"),
                @ResourceArg(name = "backup.base.retention.keep-last", value = "1"), @ResourceArg(name = "backup.base.retention.days", value = "0"),
                @ResourceArg(name = "backup.base.retention.keep-daily", value = "0"), @ResourceArg(name = "backup.base.retention.keep-weekly", value = "0"),
                @ResourceArg(name = "backup.base.retention.keep-monthly", value = "0")})
@QuarkusTestResource(value = EncryptionKeyResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = S3Resource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EncryptedOffsitePitrTest {
    private static final byte[] AGE_HEADER = "age-encryption.org/v1".getBytes(StandardCharsets.US_ASCII);

    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    @Inject
    BackupCommandLine commandLine;

    private static String baseId;
    private static int committed;

    @Test
    @Order(1)
    void baseBackupsAndCompletedSegmentsAreStoredEncrypted() throws Exception {
        awaitReceiverRunning(receiver);
        postgres.psql(TestPostgres.DATABASE, "CREATE TABLE secret_rows (id int PRIMARY KEY, note text);");
        Response base = authorized().post("/api/pitr/base-backups");
        base.then().log().ifValidationFails().statusCode(201);
        baseId = base.jsonPath().getString("id");
        String segment = insertAndSwitch(100);

        Path dir = baseDir().resolve(baseId);
        Map<String, Object> files = base.jsonPath().getMap("files");
        assertEquals(Set.of("base.tar.gz.age", "pg_wal.tar.gz.age", "backup_manifest.age"), files.keySet());
        try (Stream<Path> stored = Files.list(dir)) {
            assertEquals(Set.of("base.tar.gz.age", "pg_wal.tar.gz.age", "backup_manifest.age", "base.json"),
                    stored.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
        for (String name : files.keySet()) {
            assertAgeFile(dir.resolve(name));
            assertEquals(base.jsonPath().getString("files.'" + name + "'.sha256"), Checksums.sha256(dir.resolve(name)), "checksum over what is stored");
        }
        try (InputStream gz = decrypt(dir.resolve("base.tar.gz.age")); InputStream tar = new GZIPInputStream(gz)) {
            byte[] header = tar.readNBytes(512);
            assertEquals("ustar", new String(header, 257, 5, StandardCharsets.US_ASCII), "a tar inside");
        }

        // pg_receivewal closes a segment in plain; the service encrypts it within its next housekeeping round (1 s).
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (completedSegments().stream().anyMatch(f -> !f.getFileName().toString().endsWith(".age"))) {
            assertTrue(System.nanoTime() < deadline, "completed segments left unencrypted: " + completedSegments());
            Processes.sleep(100);
        }
        List<Path> completed = completedSegments();
        assertTrue(completed.stream().anyMatch(f -> f.getFileName().toString().equals(segment + ".gz.age")), completed.toString());
        for (Path file : completed) {
            assertTrue(file.getFileName().toString().endsWith(".gz.age"), "stored encrypted: " + file);
            assertAgeFile(file);
        }
        try (InputStream wal = new GZIPInputStream(decrypt(walDir().resolve(segment + ".gz.age")))) {
            assertEquals(WalArchive.SEGMENT_BYTES, wal.transferTo(OutputStream.nullOutputStream()), "a whole segment inside");
        }

        Path restored = Path.of(System.getProperty("java.io.tmpdir"), "pitr-no-key-" + System.nanoTime());
        restore("{\"directory\":\"" + restored + "\",\"target\":\"latest\"}").then().log().ifValidationFails().statusCode(400)
                .body("error", equalTo("private_key_required"));
        assertFalse(Files.exists(restored), "nothing written without the key");
    }

    @Test
    @Order(2)
    void baseBackupsAndSegmentsAppearInTheBucket() throws Exception {
        String segment = insertAndSwitch(50);
        awaitOffsite("pitr/wal/" + segment + ".gz.age");
        try (S3Client s3 = S3Resource.client()) {
            for (String name : List.of("base.tar.gz.age", "pg_wal.tar.gz.age", "backup_manifest.age", "base.json")) {
                assertArrayEquals(Files.readAllBytes(baseDir().resolve(baseId).resolve(name)),
                        s3.getObjectAsBytes(b -> b.bucket(S3Resource.BUCKET).key("shop/pitr/base/" + baseId + "/" + name)).asByteArray(), name);
            }
            for (Path file : completedSegments().stream().filter(f -> f.getFileName().toString().endsWith(".gz.age")).toList()) {
                // A segment completed after the awaited one may be copied by the next round.
                awaitOffsite("pitr/wal/" + file.getFileName());
                assertArrayEquals(Files.readAllBytes(file),
                        s3.getObjectAsBytes(b -> b.bucket(S3Resource.BUCKET).key("shop/pitr/wal/" + file.getFileName())).asByteArray(), file.toString());
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!RestAssured.get("/q/metrics").asString().contains("backup_pitr_offsite_backlog 0.0")) {
            assertTrue(System.nanoTime() < deadline, "backlog never 0");
            Processes.sleep(200);
        }
    }

    @Test
    @Order(3)
    void aMixedArchiveRestoresToLatestWithTheKey() throws Exception {
        // An archive begun before encryption was set: the segment the base backup starts in, in plain gzip.
        String startLsn = authorized().get("/api/pitr/base-backups").jsonPath().getString("[0].startLsn");
        Path first = walDir().resolve(WalArchive.segmentName(1, WalArchive.segmentOf(startLsn)) + ".gz.age");
        Path plain = walDir().resolve(WalArchive.segmentName(1, WalArchive.segmentOf(startLsn)) + ".gz");
        try (InputStream in = decrypt(first)) {
            Files.copy(in, plain);
        }
        Files.delete(first);
        Set<Long> ids = restoreAndRead("{\"target\":\"latest\",\"identity\":\"" + EncryptionKeyResource.identity() + "\"}");
        assertEquals(committed, ids.size(), "every committed row");
    }

    @Test
    @Order(4)
    void withTheLocalArchiveGoneARestoreFromTheOffsiteCopyHasEveryCommittedRow() throws Exception {
        loseTheLocalArchive(insertAndSwitch(70));
        String identity = EncryptionKeyResource.identity();
        Path refused = Path.of(System.getProperty("java.io.tmpdir"), "pitr-local-" + System.nanoTime());
        restore("{\"directory\":\"" + refused + "\",\"target\":\"latest\",\"identity\":\"" + identity + "\"}").then().statusCode(422)
                .body("error", equalTo("no_base_backup"));
        Set<Long> ids = restoreAndRead("{\"target\":\"latest\",\"source\":\"offsite\",\"identity\":\"" + identity + "\"}");
        assertEquals(committed, ids.size(), "every committed row");
        assertTrue(Files.isDirectory(baseDir().resolve(baseId)), "the base backup is back in the local archive");
    }

    @Test
    @Order(5)
    void aSegmentCompletedWhileTheStoreIsDownIsCopiedOnceItIsBack() throws Exception {
        S3Resource.server().kill();
        String segment;
        try {
            segment = insertAndSwitch(10);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (backlog() < 1) {
                assertTrue(System.nanoTime() < deadline, "the backlog never counts the segment the store missed");
                Processes.sleep(200);
            }
        } finally {
            S3Resource.server().start();
        }
        awaitOffsite("pitr/wal/" + segment + ".gz.age");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (backlog() != 0) {
            assertTrue(System.nanoTime() < deadline, "backlog never 0 again");
            Processes.sleep(200);
        }
    }

    @Test
    @Order(6)
    void retentionDeletesTheOffsiteCopiesOfWhatItDeletes() throws Exception {
        try (S3Client s3 = S3Resource.client()) {
            assertFalse(keys(s3, "pitr/base/" + baseId + "/").isEmpty(), "the first base backup is off-site");
            List<String> walBefore = keys(s3, "pitr/wal/");
            Response second = authorized().post("/api/pitr/base-backups");
            second.then().log().ifValidationFails().statusCode(201);
            assertFalse(Files.exists(baseDir().resolve(baseId)), "retention (keep-last 1) deleted the first base backup locally");
            assertEquals(List.of(), keys(s3, "pitr/base/" + baseId + "/"), "and off-site");
            long keptFrom = WalArchive.segmentOf(second.jsonPath().getString("startLsn"));
            String firstKept = WalArchive.segmentName(1, keptFrom);
            assertTrue(olderThan(walBefore, firstKept).size() > 3, "WAL before " + firstKept + " was off-site: " + walBefore);
            assertEquals(List.of(), olderThan(keys(s3, "pitr/wal/"), firstKept), "WAL pruned before " + firstKept + " is gone off-site too");
            awaitOffsite("pitr/base/" + second.jsonPath().getString("id") + "/base.json");
        }
    }

    @Test
    @Order(7)
    void theCommandLineRestoresFromTheOffsiteCopyWithTheLocalArchiveGone() throws Exception {
        loseTheLocalArchive(insertAndSwitch(30));
        Path identityFile = Files.writeString(Files.createTempFile("pitr-identity", ".txt"), "# age key\n" + EncryptionKeyResource.identity() + "\n");
        try {
            CommandLineRun elsewhere = CommandLineRun.of(commandLine, "pitr-restore", "--to-dir", "/tmp/pitr-nowhere", "--latest", "--source", "tape");
            assertEquals(BackupCommandLine.USAGE, elsewhere.exit());
            assertTrue(elsewhere.err().contains("\"local\" (the default) or \"offsite\""), elsewhere.err());
            Set<Long> ids = restoreAndRead(dir -> {
                CommandLineRun run = CommandLineRun.of(commandLine, "pitr-restore", "--to-dir", dir.toString(), "--latest", "--source", "offsite",
                        "--identity-file", identityFile.toString());
                assertEquals(BackupCommandLine.OK, run.exit(), run.err());
                assertTrue(run.out().contains("prepared from base backup"), run.out());
            });
            assertEquals(committed, ids.size(), "every committed row");
            assertFalse(authorized().get("/api/pitr/base-backups").jsonPath().getList("id").isEmpty(), "the base backup is back in the local archive");
        } finally {
            Files.delete(identityFile);
        }
    }

    @Test
    @Order(8)
    void withNoCopyOffsiteEitherTheCommandLineSaysSo() throws Exception {
        BaseBackups.deleteTree(baseDir());
        try (S3Client s3 = S3Resource.client()) {
            for (String key : keys(s3, "pitr/base/")) {
                s3.deleteObject(b -> b.bucket(S3Resource.BUCKET).key(key));
            }
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "pitr-no-copy-" + System.nanoTime());
        CommandLineRun run = CommandLineRun.of(commandLine, "pitr-restore", "--to-dir", dir.toString(), "--latest", "--source", "offsite");
        assertEquals(BackupCommandLine.FAILED, run.exit(), run.err());
        assertTrue(run.err().contains("No base backup in the local archive or its off-site copy"), run.err());
        assertFalse(Files.exists(dir), "nothing written");
    }

    /** Once {@code segment} and everything before it are off-site, deletes the local base backups and completed segments. */
    private void loseTheLocalArchive(String segment) throws IOException {
        awaitOffsite("pitr/wal/" + segment + ".gz.age");
        BaseBackups.deleteTree(baseDir());
        // Every completed segment, once gzipped and copied, is lost locally; the one being received stays with pg_receivewal.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (completedSegments().stream().anyMatch(f -> !f.getFileName().toString().contains(".gz"))) {
            assertTrue(System.nanoTime() < deadline, "completed segments left uncompressed: " + completedSegments());
            Processes.sleep(100);
        }
        for (Path file : completedSegments()) {
            awaitOffsite("pitr/wal/" + file.getFileName());
            Files.delete(file);
        }
    }

    private static List<String> olderThan(List<String> walKeys, String segment) {
        return walKeys.stream().map(k -> k.substring("shop/pitr/wal/".length()))
                .filter(n -> n.matches("[0-9A-F]{24}.*") && n.substring(0, 24).compareTo(segment) < 0).toList();
    }

    private static List<String> keys(S3Client s3, String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(S3Resource.BUCKET).prefix("shop/" + prefix)).contents().stream()
                .map(software.amazon.awssdk.services.s3.model.S3Object::key).toList();
    }

    private static double backlog() {
        return RestAssured.get("/q/metrics").asString().lines().filter(l -> l.startsWith("backup_pitr_offsite_backlog "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(-1);
    }

    /** Commits {@code rows} more rows, then switches WAL; returns the segment that held them, once archived. */
    private String insertAndSwitch(int rows) throws Exception {
        String segment;
        try (Connection connection = postgres.connect(TestPostgres.DATABASE); Statement statement = connection.createStatement()) {
            for (int i = 0; i < rows; i++) {
                committed++;
                statement.execute("INSERT INTO secret_rows VALUES (" + committed + ", 'confidential')");
            }
            try (ResultSet rs = statement.executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())")) {
                rs.next();
                segment = rs.getString(1);
            }
        }
        switchWal(postgres, 2);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(walDir().resolve(segment + ".gz.age"))) {
            assertTrue(System.nanoTime() < deadline, segment + " not archived: " + completedSegments());
            Processes.sleep(100);
        }
        return segment;
    }

    private Set<Long> restoreAndRead(String targetJson) throws SQLException {
        return restoreAndRead(dir -> restore("{\"directory\":\"" + dir + "\"," + targetJson.substring(1)).then().log().ifValidationFails().statusCode(200));
    }

    /** Has {@code prepare} fill a new data directory, starts PostgreSQL on it and reads secret_rows' ids. */
    private Set<Long> restoreAndRead(Consumer<Path> prepare) throws SQLException {
        PostgresServer restored = PostgresServer.installed().durableWithReplication();
        try {
            prepare.accept(restored.dataDir());
            restored.startOnPreparedData();
            try (Connection connection = connectOncePromoted(restored); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT id FROM secret_rows")) {
                Set<Long> ids = new HashSet<>();
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
                return ids;
            }
        } finally {
            restored.close();
        }
    }

    private static void assertAgeFile(Path file) throws IOException {
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(AGE_HEADER.length);
        }
        assertArrayEquals(AGE_HEADER, start, file + " is an age file");
        assertFalse(start[0] == (byte) 0x1f && start[1] == (byte) 0x8b, file + " is no gzip");
    }

    private static InputStream decrypt(Path file) throws IOException {
        return AgeEncryption.decrypting(Files.newInputStream(file), EncryptionKeyResource.identity());
    }

    private List<Path> completedSegments() throws IOException {
        try (Stream<Path> files = Files.list(walDir())) {
            return files.filter(f -> f.getFileName().toString().matches("[0-9A-F]{24}(\\.gz)?(\\.age)?")).sorted().toList();
        }
    }

    private Path walDir() {
        return Path.of(receiver.status().dir());
    }

    private Path baseDir() {
        return postgres.backupDir().resolve("base");
    }
}
