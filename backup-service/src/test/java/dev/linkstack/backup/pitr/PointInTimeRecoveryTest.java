package dev.linkstack.backup.pitr;

import dev.linkstack.backup.cli.BackupCommandLine;
import dev.linkstack.backup.testing.CommandLineRun;
import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static dev.linkstack.backup.pitr.PitrTesting.awaitReceiverRunning;
import static dev.linkstack.backup.pitr.PitrTesting.restore;
import static dev.linkstack.backup.pitr.PitrTesting.switchWal;
import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Point-in-time recovery end to end, on real servers: PostgreSQL 15 with durable settings, its WAL archived by the
 * service's pg_receivewal, a base backup; rows written one commit each while the target time passes, with pgbench's
 * TPC-B-like load alongside the whole time; then the postmaster is killed with SIGKILL and its data directory deleted, and new data directories are restored to that
 * time, to "latest" and to a named restore point, each started with PostgreSQL and checked row by row.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PointInTimeRecoveryTest {
    /**
     * The server stamps a commit between the client's "before" and "acknowledged" readings of the same machine's
     * clock, and recovery_target_time compares those stamps at microsecond precision; 2 ms covers the rounding of
     * the client's readings (Instant is read at microsecond resolution or better here) without hiding a real miss.
     */
    private static final Duration SKEW = Duration.ofMillis(2);
    private static final int PGBENCH_CLIENTS = 4;

    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    @Inject
    BackupCommandLine commandLine;

    private static final List<Row> rows = new ArrayList<>();
    private static Instant target;
    private static long beforePoint;
    private static double commitsPerSecond;

    record Row(long id, Instant before, Instant acknowledged) {
    }

    @Test
    @Order(1)
    void theReceiverArchivesAndComesBackAfterKill9WithoutAGap() throws Exception {
        awaitReceiverRunning(receiver);
        switchWal(postgres, 2);
        String before = awaitNewestCompletedAfter(null);
        long pid = receiver.pid().orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (receiver.status().restarts() < 1 || receiver.pid().isEmpty() || receiver.pid().get() == pid) {
            assertTrue(System.nanoTime() < deadline, "pg_receivewal was not restarted: " + receiver.status());
            Processes.sleep(100);
        }
        switchWal(postgres, 2);
        String after = awaitNewestCompletedAfter(before);
        authorized().get("/api/pitr/wal").then().statusCode(200).body("gaps.size()", equalTo(0))
                .body("receiver.restarts", equalTo((int) receiver.status().restarts()));
        RestAssured.get("/q/health").then().body("checks.find { it.name == 'wal-archive' }.status", equalTo("UP"));
        String metrics = RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.contains("backup_wal_receiver_running 1.0"), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("backup_wal_receiver_restarts ") && !l.endsWith(" 0.0")), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("backup_wal_slot_lag_bytes ") && !l.contains("-1.0")), metrics);
        ReliabilityReport.record("backup-service: pg_receivewal killed (SIGKILL) while archiving", "1 kill, 4 WAL switches",
                "0 gaps (restarted, archive went on from " + before + " to " + after + ")", "none");
    }

    @Test
    @Order(2)
    void badRequestsAreRefusedWithJson() throws IOException {
        restore("{\"directory\":\"relative/dir\",\"target\":\"latest\"}").then().statusCode(400).body("error", equalTo("bad_request"));
        restore("{\"directory\":\"/tmp/../etc\",\"target\":\"latest\"}").then().statusCode(400);
        restore("{\"directory\":\"/tmp/pitr-x\",\"target\":\"yesterday\"}").then().statusCode(400).body("message", containsString("ISO-8601"));
        restore("{\"directory\":\"/tmp/pitr-x\",\"target\":\"latest\",\"restorePoint\":\"a\"}").then().statusCode(400);
        Path full = Files.createTempDirectory("pitr-full");
        Files.writeString(full.resolve("PG_VERSION"), "15\n");
        restore("{\"directory\":\"" + full + "\",\"target\":\"latest\"}").then().statusCode(409).body("error", equalTo("directory_not_empty"));
        restore("{\"directory\":\"/tmp/pitr-none\",\"target\":\"latest\"}").then().statusCode(422).body("error", equalTo("no_base_backup"));
        // PostgreSQL 15 takes no incremental base backups: refused with the reason, nothing taken.
        authorized().post("/api/pitr/base-backups?type=incremental").then().statusCode(422).body("error", equalTo("incremental_not_possible"))
                .body("message", containsString("incremental base backups need PostgreSQL 17 or newer"));
        assertEquals(BackupCommandLine.FAILED, CommandLineRun.of(commandLine, "base-backup", "--incremental").exit());
        authorized().get("/api/pitr/base-backups").then().statusCode(200).body("size()", equalTo(0));
        assertFalse(Files.exists(Path.of("/tmp/pitr-none")), "nothing written for a refused restore");
        authorized().contentType("application/json").body("{\"name\":\"bad name; drop\"}").post("/api/pitr/restore-points").then()
                .statusCode(400).body("error", equalTo("bad_request"));
        assertEquals(BackupCommandLine.USAGE, CommandLineRun.of(commandLine, "pitr-restore", "--to-dir", "/tmp/pitr-none").exit());
        assertEquals(BackupCommandLine.USAGE, CommandLineRun.of(commandLine, "pitr-restore", "--to-dir", "relative", "--latest").exit());
        assertEquals(BackupCommandLine.FAILED, CommandLineRun.of(commandLine, "pitr-restore", "--to-dir", full.toString(), "--latest").exit());
        assertEquals(BackupCommandLine.USAGE, CommandLineRun.of(commandLine, "restore-point", "bad name").exit());
        // Without an off-site store, a restore from it is refused before anything is written.
        restore("{\"directory\":\"/tmp/pitr-none\",\"target\":\"latest\",\"source\":\"offsite\"}").then().statusCode(400)
                .body("error", equalTo("offsite_not_configured"));
        restore("{\"directory\":\"/tmp/pitr-none\",\"target\":\"latest\",\"source\":\"tape\"}").then().statusCode(400)
                .body("error", equalTo("bad_request"));
        CommandLineRun offsite = CommandLineRun.of(commandLine, "pitr-restore", "--to-dir", "/tmp/pitr-none", "--latest", "--source", "offsite");
        assertEquals(BackupCommandLine.USAGE, offsite.exit());
        assertTrue(offsite.err().contains("Off-site copies are not configured (BACKUP_OFFSITE_ENDPOINT)"), offsite.err());
        assertFalse(Files.exists(Path.of("/tmp/pitr-none")), "nothing written for a refused restore");
        Processes.deleteRecursively(full);
    }

    @Test
    @Order(3)
    void restoresToATimeToLatestAndToARestorePointAfterThePrimaryIsLost() throws Exception {
        try (Connection connection = postgres.connect(TestPostgres.DATABASE); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE pitr_rows (id bigint PRIMARY KEY, note text)");
        }
        Path leftover = postgres.backupDir().resolve("base/.base-20200101T000000000Z.partial");
        Files.createDirectories(leftover);
        Files.writeString(leftover.resolve("base.tar.gz"), "cut short");
        PgbenchLoad.initialize(postgres);
        Response base = authorized().post("/api/pitr/base-backups");
        base.then().log().ifValidationFails().statusCode(201).body("id", notNullValue()).body("timeline", equalTo(1)).body("endLsn", notNullValue());
        authorized().get("/api/pitr/base-backups").then().statusCode(200).body("[0].id", equalTo(base.jsonPath().getString("id")))
                .body("[0].startLsn", equalTo(base.jsonPath().getString("startLsn"))).body("size()", equalTo(1));
        assertFalse(Files.exists(leftover), "the interrupted base backup's leftovers are removed");

        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> write(stop), "pitr-writer");
        // pgbench's load runs through the whole writing until the kill; the writer alone measures what is lost.
        PgbenchLoad pgbench = PgbenchLoad.start(postgres, PGBENCH_CLIENTS, Duration.ofMinutes(5));
        Instant writingSince = Instant.now();
        int killed;
        Instant writingUntil;
        try {
            writer.start();
            Processes.sleep(1500);
            beforePoint = lastAcknowledged();
            authorized().contentType("application/json").body("{\"name\":\"mid_run\"}").post("/api/pitr/restore-points").then()
                    .statusCode(201).body("lsn", notNullValue());
            authorized().contentType("application/json").body("{\"name\":\"mid_run\"}").post("/api/pitr/restore-points").then().statusCode(409);
            Processes.sleep(1500);
            target = Instant.now().truncatedTo(ChronoUnit.MICROS);
            for (int i = 0; i < 3; i++) {
                Processes.sleep(700);
                switchWal(postgres, 1);
            }
            Processes.sleep(1500);
            assertTrue(pgbench.running(), "pgbench ran until the kill: " + pgbench.log());
            killed = postgres.server().kill9();
        } finally {
            stop.set(true);
            writer.join(10_000);
            writingUntil = Instant.now();
            pgbench.close();
        }
        double pgbenchTps = pgbench.tps().orElseThrow(() -> new AssertionError("pgbench reported no tps: " + pgbench.log()));
        assertTrue(pgbenchTps > 0, pgbench.log());
        Processes.deleteRecursively(postgres.server().dataDir());
        assertFalse(Files.exists(postgres.server().dataDir()));
        List<Row> acknowledged;
        synchronized (rows) {
            acknowledged = List.copyOf(rows);
        }
        commitsPerSecond = acknowledged.size() / (Duration.between(writingSince, writingUntil).toMillis() / 1000.0);
        assertTrue(acknowledged.size() > 100, "the writer committed " + acknowledged.size() + " rows");
        // Let the receiver see the connection end and close its partial segment.
        Processes.sleep(1000);

        // 1. To the target time: everything acknowledged before it, nothing begun after it.
        Set<Long> atTarget = PitrTesting.restoreAndRead("{\"target\":\"" + target + "\"}");
        List<Long> missingBefore = acknowledged.stream().filter(r -> r.acknowledged().isBefore(target.minus(SKEW)))
                .map(Row::id).filter(id -> !atTarget.contains(id)).toList();
        List<Long> presentAfter = acknowledged.stream().filter(r -> r.before().isAfter(target.plus(SKEW)))
                .map(Row::id).filter(atTarget::contains).toList();
        long expectedBefore = acknowledged.stream().filter(r -> r.acknowledged().isBefore(target.minus(SKEW))).count();
        assertTrue(expectedBefore > 10 && expectedBefore < acknowledged.size() - 10, "the target lies inside the writing: " + expectedBefore);
        assertEquals(List.of(), missingBefore, "rows committed before the target time are missing");
        assertEquals(List.of(), presentAfter, "rows begun after the target time are present");

        // 2. To the end of the archive: what the server acknowledged, but for what had not reached the receiver.
        Set<Long> atLatest = PitrTesting.restoreAndRead("{\"target\":\"latest\"}");
        long lost = acknowledged.stream().map(Row::id).filter(id -> !atLatest.contains(id)).count();
        long bound = Math.max(1, Math.round(commitsPerSecond));
        ReliabilityReport.record("backup-service: PostgreSQL killed (SIGKILL, " + killed + " processes), data directory deleted, restored to latest",
                String.format(Locale.ROOT, "%,d acknowledged commits (%.0f/s) under pgbench TPC-B-like load (%d clients, %.0f tps)",
                        acknowledged.size(), commitsPerSecond, PGBENCH_CLIENTS, pgbenchTps),
                "0 restores failed (time target: 0 rows missing before it, 0 after it)",
                lost + " acknowledged commits lost (bound " + bound + ": 1 s of commits)");
        assertTrue(lost <= bound, lost + " acknowledged commits lost on latest, more than 1 s (" + bound + ")");

        // 3. To the restore point: the rows acknowledged before it was made are there, the last rows are not.
        Set<Long> atPoint = PitrTesting.restoreAndRead("{\"restorePoint\":\"mid_run\"}");
        assertTrue(acknowledged.stream().filter(r -> r.id() <= beforePoint).allMatch(r -> atPoint.contains(r.id())), "rows before the restore point");
        assertFalse(atPoint.contains(acknowledged.get(acknowledged.size() - 1).id()), "the last row is after the restore point");
        assertTrue(atPoint.size() < atTarget.size(), "the restore point precedes the target time");
    }

    @Test
    @Order(4)
    void aRestoreIsRefusedWhenASegmentItNeedsIsMissing() throws Exception {
        Path wal = Path.of(authorized().get("/api/pitr/wal").jsonPath().getString("receiver.dir"));
        List<Path> completed;
        try (Stream<Path> files = Files.list(wal)) {
            completed = files.filter(f -> f.getFileName().toString().matches("[0-9A-F]{24}\\.gz")).sorted().toList();
        }
        assertTrue(completed.size() >= 3, completed.toString());
        Path deleted = completed.get(completed.size() - 2);
        Files.delete(deleted);
        String segment = deleted.getFileName().toString().substring(0, 24);
        PostgresServer restored = PostgresServer.installed().durableWithReplication();
        try {
            restore("{\"directory\":\"" + restored.dataDir() + "\",\"target\":\"latest\"}").then().log().ifValidationFails().statusCode(422)
                    .body("error", equalTo("wal_gap")).body("message", containsString(segment));
            assertFalse(Files.exists(restored.dataDir()), "nothing written for a refused restore");
            RestAssured.get("/q/health").then().body("checks.find { it.name == 'wal-archive' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'wal-archive' }.data.gaps", containsString(segment));
            // The server is gone: the receiver has been down longer than the grace (3 s here), which the check says.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (RestAssured.get("/q/health").jsonPath().getString("checks.find { it.name == 'wal-archive' }.data.receiverDownSince") == null) {
                assertTrue(System.nanoTime() < deadline, RestAssured.get("/q/health").asString());
                Processes.sleep(200);
            }
            CommandLineRun refused = CommandLineRun.of(commandLine, "pitr-restore", "--to-dir", restored.dataDir().toString(), "--time", target.toString());
            assertEquals(BackupCommandLine.FAILED, refused.exit());
            assertTrue(refused.err().contains(segment), refused.err());
            assertFalse(Files.exists(restored.dataDir()), "nothing written for a refused restore");
            CommandLineRun list = CommandLineRun.of(commandLine, "base-backup", "--list");
            assertEquals(BackupCommandLine.OK, list.exit());
            assertTrue(list.out().contains("base-"), list.out());
            ReliabilityReport.record("backup-service: point-in-time restore with a WAL segment deleted from the archive", "1 API and 1 CLI restore",
                    "0 restores attempted past the gap (422 wal_gap, health DOWN)", "none (refused before writing)");
        } finally {
            restored.close();
        }
    }

    private void write(AtomicBoolean stop) {
        try (Connection connection = postgres.connect(TestPostgres.DATABASE);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO pitr_rows VALUES (?, 'row')")) {
            connection.setAutoCommit(true);
            for (long id = 1; !stop.get(); id++) {
                Instant before = Instant.now();
                insert.setLong(1, id);
                insert.executeUpdate();
                Instant acknowledged = Instant.now();
                synchronized (rows) {
                    rows.add(new Row(id, before, acknowledged));
                }
            }
        } catch (SQLException e) {
            // the server was killed: the insert in flight was never acknowledged
        }
    }

    private static long lastAcknowledged() {
        synchronized (rows) {
            return rows.isEmpty() ? 0 : rows.get(rows.size() - 1).id();
        }
    }

    /** Waits until the archive's newest completed (gzipped) segment is after {@code previous}; returns its name. */
    private String awaitNewestCompletedAfter(String previous) throws IOException {
        Path wal = Path.of(receiver.status().dir());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            WalArchive.Listing listing = WalArchive.scan(wal);
            String newest = listing.timelines().isEmpty() ? null : listing.timelines().get(1).values().stream()
                    .filter(s -> !s.partial() && s.compressed()).map(WalArchive.Segment::name).reduce((a, b) -> b).orElse(null);
            if (newest != null && (previous == null || newest.compareTo(previous) > 0)) {
                assertEquals(List.of(), listing.gaps());
                return newest;
            }
            assertTrue(System.nanoTime() < deadline, "no new completed segment after " + previous + ": " + listing);
            Processes.sleep(100);
        }
    }
}
