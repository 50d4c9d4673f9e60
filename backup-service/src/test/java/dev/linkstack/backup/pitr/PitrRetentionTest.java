package dev.linkstack.backup.pitr;

import dev.linkstack.backup.cli.BackupCommandLine;
import dev.linkstack.backup.testing.CommandLineRun;
import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.linkstack.backup.pitr.PitrTesting.awaitReceiverRunning;
import static dev.linkstack.backup.pitr.PitrTesting.connectOncePromoted;
import static dev.linkstack.backup.pitr.PitrTesting.restore;
import static dev.linkstack.backup.pitr.PitrTesting.switchWal;
import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Base backup retention and WAL pruning on a real PostgreSQL 15 archived by the service's pg_receivewal, with the two
 * newest base backups kept: no WAL goes without a base backup; the third base backup deletes the first and the WAL
 * before the second's start, the second's WAL stays, and a restore to "latest" from the second still replays every
 * row. API restores outside the restore root are refused.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "backup.base.retention.keep-last", value = "2"),
        @ResourceArg(name = "backup.base.retention.days", value = "0")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PitrRetentionTest {
    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    @Inject
    BaseBackupRetention retention;

    @Inject
    BaseBackups baseBackups;

    @Inject
    BackupCommandLine commandLine;

    private static String second;
    private static String third;
    private static int rowsWritten;

    @Test
    @Order(1)
    void noWalIsPrunedWhileThereIsNoBaseBackup() throws Exception {
        awaitReceiverRunning(receiver);
        switchWal(postgres, 3);
        awaitArchived();
        List<String> before = walFiles();
        BaseBackupRetention.Outcome outcome = retention.apply();
        assertEquals(0, outcome.prunedWalFiles());
        assertTrue(outcome.walKeptBecause().contains("no base backup"), outcome.walKeptBecause());
        // By segment: housekeeping may gzip a completed one meanwhile, pg_receivewal complete the partial one.
        assertTrue(segments(walFiles()).containsAll(segments(before)), "every WAL file is still there: " + before + " / " + walFiles());
        authorized().get("/api/pitr/retention-preview").then().statusCode(200).body("wal.filesToPrune", equalTo(0))
                .body("wal.keptBecause", containsString("no base backup"));
    }

    @Test
    @Order(2)
    void theThirdBaseBackupDeletesTheFirstAndTheWalBeforeTheSecond() throws Exception {
        execute("CREATE TABLE kept_rows (id int PRIMARY KEY)");
        insertRows(100);
        String first = takeBaseBackup();
        insertRows(100);
        switchWal(postgres, 2);
        second = takeBaseBackup();
        authorized().get("/api/pitr/base-backups").then().statusCode(200).body("size()", equalTo(2))
                .body("retention", equalTo(List.of("keep", "keep")));
        authorized().get("/api/pitr/retention-preview").then().statusCode(200).body("delete.size()", equalTo(0))
                .body("wal.oldestBaseBackup", equalTo(first));
        BaseBackup secondBackup = baseBackups.find(second).orElseThrow();
        long secondStart = WalArchive.segmentOf(secondBackup.startLsn());
        List<String> beforeSecond = walFiles().stream().filter(name -> number(name) < secondStart).toList();
        assertFalse(beforeSecond.isEmpty(), "the archive holds WAL from before the second base backup: " + walFiles());
        insertRows(100);
        switchWal(postgres, 2);
        awaitArchived();

        third = takeBaseBackup();
        Path base = postgres.backupDir().resolve("base");
        assertFalse(Files.exists(base.resolve(first)), "the oldest base backup is deleted");
        try (Stream<Path> left = Files.list(base)) {
            assertEquals(List.of(second, third), left.map(p -> p.getFileName().toString()).sorted().toList(), "nothing hidden left behind");
        }
        authorized().get("/api/pitr/base-backups").then().statusCode(200).body("id", equalTo(List.of(third, second)))
                .body("keptBecause", equalTo(List.of("one of the newest 2", "one of the newest 2")));
        List<String> after = walFiles();
        List<String> stillBefore = after.stream().filter(name -> number(name) < secondStart).toList();
        assertEquals(List.of(), stillBefore, "WAL before the second base backup's start is gone");
        WalArchive.Listing listing = WalArchive.scan(walDir());
        assertEquals(secondStart, listing.timelines().get(1).firstKey(), "the second base backup's first segment is the archive's first");
        assertEquals(Optional.empty(), listing.missingFrom(secondBackup.timeline(), secondStart), "the WAL it needs is all there");
        String metrics = RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("backup_wal_pruned_files_total ") && !l.endsWith(" 0.0")), metrics);
        assertTrue(metrics.contains("backup_base_retention_deleted_total 1.0"), metrics);
    }

    @Test
    @Order(3)
    void aRestoreToLatestFromTheOldestKeptBaseBackupStillReplaysEveryRow() throws Exception {
        insertRows(100);
        switchWal(postgres, 1);
        awaitArchived();
        // The newest base backup is set aside, so that "latest" has to start from the oldest one kept.
        Path base = postgres.backupDir().resolve("base");
        Path aside = postgres.backupDir().resolve("set-aside");
        Files.move(base.resolve(third), aside);
        PostgresServer restored = PostgresServer.installed().durableWithReplication();
        try {
            Response response = restore("{\"directory\":\"" + restored.dataDir() + "\",\"target\":\"latest\"}");
            response.then().log().ifValidationFails().statusCode(200).body("baseBackupId", equalTo(second));
            restored.startOnPreparedData();
            assertEquals(rowsWritten, countRowsOnceRecovered(restored), "rows replayed from the pruned archive");
        } finally {
            restored.close();
            Files.move(aside, base.resolve(third));
        }
    }

    @Test
    @Order(4)
    void restoresOutsideTheRestoreRootAreRefusedWithJson() throws IOException {
        Path outside = Path.of("target/pitr-outside-" + System.nanoTime()).toAbsolutePath();
        restore("{\"directory\":\"" + outside + "\",\"target\":\"latest\"}").then().statusCode(400)
                .contentType(containsString("json")).body("error", equalTo("outside_restore_root"));
        assertFalse(Files.exists(outside), "nothing written for a refused restore");
        Path escape = Files.createDirectories(Path.of("target/pitr-escape-" + System.nanoTime()).toAbsolutePath());
        Path link = Files.createSymbolicLink(Path.of(System.getProperty("java.io.tmpdir"), "pitr-link-" + System.nanoTime()), escape);
        try {
            restore("{\"directory\":\"" + link + "\",\"target\":\"latest\"}").then().statusCode(400).body("error", equalTo("outside_restore_root"));
            restore("{\"directory\":\"" + link + "/pgdata\",\"target\":\"latest\"}").then().statusCode(400)
                    .body("error", equalTo("outside_restore_root")).body("message", containsString(escape.toString()));
            try (Stream<Path> written = Files.list(escape)) {
                assertEquals(0, written.count(), "nothing written through the link");
            }
        } finally {
            Files.delete(link);
        }
        restore("{\"directory\":\"" + link.getParent() + "/x/../../etc/pitr\",\"target\":\"latest\"}").then().statusCode(400)
                .body("error", equalTo("bad_request"));
        // The operator's command line is not bound to the root.
        Path byOperator = escape.resolve("pgdata");
        CommandLineRun run = CommandLineRun.of(commandLine, "pitr-restore", "--to-dir", byOperator.toString(), "--latest");
        assertEquals(BackupCommandLine.OK, run.exit(), run.err());
        assertTrue(Files.exists(byOperator.resolve("PG_VERSION")), run.out());
        Processes.deleteRecursively(escape);
    }

    private static String takeBaseBackup() {
        Response response = authorized().post("/api/pitr/base-backups");
        response.then().log().ifValidationFails().statusCode(201);
        return response.jsonPath().getString("id");
    }

    private int countRowsOnceRecovered(PostgresServer restored) throws SQLException {
        try (Connection connection = connectOncePromoted(restored); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM kept_rows")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void insertRows(int count) throws SQLException {
        execute("INSERT INTO kept_rows SELECT g FROM generate_series(" + (rowsWritten + 1) + ", " + (rowsWritten + count) + ") g");
        rowsWritten += count;
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = postgres.connect(TestPostgres.DATABASE); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private Path walDir() {
        return Path.of(receiver.status().dir());
    }

    /** Names of the segment files in the archive, sorted. */
    private List<String> walFiles() throws IOException {
        try (Stream<Path> files = Files.list(walDir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9A-F]{24}(\\.gz)?(\\.partial)?")).sorted().toList();
        }
    }

    private static java.util.Set<String> segments(List<String> walFiles) {
        return walFiles.stream().map(name -> name.substring(0, 24)).collect(java.util.stream.Collectors.toSet());
    }

    private static long number(String name) {
        return Long.parseLong(name.substring(8, 16), 16) * WalArchive.SEGMENTS_PER_XLOG_ID + Long.parseLong(name.substring(16, 24), 16);
    }

    /** Waits until the segment before the server's current one is archived and gzipped. */
    private void awaitArchived() throws Exception {
        String current;
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())")) {
            rs.next();
            current = rs.getString(1);
        }
        long wanted = number(current) - 1;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (walFiles().stream().noneMatch(n -> n.endsWith(".gz") && number(n) >= wanted)) {
            assertTrue(System.nanoTime() < deadline, "segment before " + current + " not archived: " + walFiles());
            Processes.sleep(100);
        }
    }
}
