package dev.linkstack.backup.pitr;

import dev.linkstack.backup.cli.BackupCommandLine;
import dev.linkstack.backup.testing.AlertReceiverResource;
import dev.linkstack.backup.testing.CommandLineRun;
import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.backup.testing.WebhookReceiver;
import dev.linkstack.testing.Processes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proof of a point-in-time restore on real servers: PostgreSQL 15 with durable settings, its WAL archived by the
 * service, a base backup and rows written around a named restore point; each proof restores into a scratch cluster
 * that the service starts, checks and removes. Proven: the right rows per table and the probe's answer at latest and
 * at the restore point; a target beyond the archive and a missing WAL segment fail with their reason and an alert;
 * and in every case no server process is left on the scratch directory and the directory is gone.
 */
@QuarkusTest
// The probe counts the test's own table, so its answer tells which rows the scratch cluster holds.
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "backup.pitr.proof.probe-query", value = "select count(*) from proof_rows"),
        @ResourceArg(name = "backup.pitr.proof.timeout", value = "PT2M")})
@QuarkusTestResource(value = AlertReceiverResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestoreProofTest {
    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    @Inject
    BackupCommandLine commandLine;

    @Test
    @Order(1)
    void aProofToLatestCountsTheRowsOfEveryTableRunsTheProbeAndLeavesNothingBehind() throws Exception {
        awaitReceiverRunning(receiver);
        authorized().contentType("application/json").body("{\"target\":\"yesterday\"}").post("/api/pitr/proofs").then().statusCode(400);
        sql("CREATE TABLE proof_rows (id bigint PRIMARY KEY)", "INSERT INTO proof_rows SELECT generate_series(1, 100)");
        authorized().post("/api/pitr/base-backups").then().log().ifValidationFails().statusCode(201);
        sql("INSERT INTO proof_rows SELECT generate_series(101, 150)");
        authorized().contentType("application/json").body("{\"name\":\"proof_point\"}").post("/api/pitr/restore-points").then().statusCode(201);
        sql("INSERT INTO proof_rows SELECT generate_series(151, 220)");
        awaitArchivedUpToNow();

        Response response = authorized().contentType("application/json").body("{\"target\":\"latest\"}").post("/api/pitr/proofs");
        response.then().log().ifValidationFails().statusCode(200).body("ok", equalTo(true)).body("target", equalTo("latest"))
                .body("probeResult", equalTo("220")).body("reachedLsn", notNullValue()).body("baseBackupId", notNullValue())
                .body("cleanedUp", equalTo(true)).body("database", equalTo(TestPostgres.DATABASE));
        JsonPath result = response.jsonPath();
        assertEquals(liveRowCounts(), counted(result), "rows per table in the scratch cluster");
        assertEquals(220L, counted(result).get("public.proof_rows"));
        assertEquals(liveRowCounts().values().stream().mapToLong(Long::longValue).sum(), result.getLong("totalRows"));
        assertTrue(result.getList("recoveryLog", String.class).stream().anyMatch(l -> l.contains("redo done")), result.prettify());
        assertLeftNothing(result.getString("scratchDirectory"));

        String metrics = RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("backup_pitr_proof_last_success_timestamp_seconds ")
                && Double.parseDouble(l.substring(l.indexOf(' ') + 1)) >= Instant.parse(result.getString("startedAt")).getEpochSecond() - 1), metrics);
        String page = page();
        assertTrue(page.contains("id=\"proof-status\">Proven") && page.contains(result.getString("id")) && page.contains("id=\"proof-probe\">220"), page);
    }

    @Test
    @Order(2)
    void aProofToARestorePointSeesTheRowsOfThatTimeOnly() throws Exception {
        assertEquals(BackupCommandLine.USAGE, cli("pitr-proof", "--latest", "--list").exit());
        assertEquals(BackupCommandLine.USAGE, cli("pitr-proof", "--latest", "--restore-point", "proof_point").exit());
        CommandLineRun run = cli("pitr-proof", "--restore-point", "proof_point");
        assertEquals(BackupCommandLine.OK, run.exit(), run.err());
        assertTrue(run.out().lines().anyMatch(l -> l.contains("public.proof_rows") && l.contains(" 150 rows")), run.out());
        assertTrue(run.out().contains("probe: select count(*) from proof_rows -> 150"), run.out());

        JsonPath proofs = authorized().get("/api/pitr/proofs").then().statusCode(200).body("size()", equalTo(2)).extract().jsonPath();
        assertTrue(proofs.getString("[0].target").contains("proof_point"), proofs.prettify());
        assertEquals("cli", proofs.getString("[0].trigger"));
        assertEquals(150, proofs.getInt("[0].tables.find { it.table == 'proof_rows' }.rows"));
        assertEquals("220", proofs.getString("[1].probeResult"));
        assertTrue(proofs.getList("[0].recoveryLog", String.class).stream().anyMatch(l -> l.contains("recovery stopping at restore point \"proof_point\"")),
                proofs.prettify());
        assertLeftNothing(proofs.getString("[0].scratchDirectory"));
    }

    @Test
    @Order(3)
    void aTargetBeyondTheArchiveFailsWithItsReasonRaisesAnAlertAndLeavesNothingBehind() throws Exception {
        WebhookReceiver hooks = AlertReceiverResource.receiver();
        hooks.clear();
        String future = Instant.now().plus(Duration.ofDays(1)).toString();
        Response response = authorized().contentType("application/json").body("{\"target\":\"" + future + "\"}").post("/api/pitr/proofs");
        response.then().log().ifValidationFails().statusCode(422).body("ok", equalTo(false))
                .body("error", containsString("recovery ended before configured recovery target was reached")).body("cleanedUp", equalTo(true));
        String id = response.jsonPath().getString("id");
        assertLeftNothing(response.jsonPath().getString("scratchDirectory"));
        List<WebhookReceiver.Request> alerts = hooks.await(r -> r.path().equals("/hook") && r.body().contains(id), 1, Duration.ofSeconds(10));
        assertTrue(alerts.get(0).body().contains("\"event\":\"pitr-proof.failed\"") && alerts.get(0).body().contains("recovery ended before"),
                alerts.get(0).body());
        String page = page();
        assertTrue(page.contains("id=\"proof-status\">Failed") && page.contains("recovery ended before configured recovery target"), page);
        // The last success stays the restore point's proof.
        String lastSuccess = authorized().get("/api/pitr/proofs").jsonPath().getString("[1].startedAt");
        String metrics = RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("backup_pitr_proof_last_success_timestamp_seconds ")
                && (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1)) == Instant.parse(lastSuccess).getEpochSecond()), metrics);
    }

    @Test
    @Order(4)
    void aMissingWalSegmentFailsTheProofWithTheSegmentNamedAndRaisesAnAlert() throws Exception {
        WebhookReceiver hooks = AlertReceiverResource.receiver();
        hooks.clear();
        Path wal = Path.of(receiver.status().dir());
        List<Path> completed;
        try (Stream<Path> files = Files.list(wal)) {
            completed = files.filter(f -> f.getFileName().toString().matches("[0-9A-F]{24}\\.gz")).sorted().toList();
        }
        assertTrue(completed.size() >= 2, completed.toString());
        Path deleted = completed.get(completed.size() - 1);
        Files.delete(deleted);
        String segment = deleted.getFileName().toString().substring(0, 24);
        CommandLineRun run = cli("pitr-proof", "--latest");
        assertEquals(BackupCommandLine.FAILED, run.exit(), run.out());
        assertTrue(run.err().contains(segment), run.err());
        JsonPath last = authorized().get("/api/pitr/proofs").jsonPath();
        assertFalse(last.getBoolean("[0].ok"));
        assertTrue(last.getString("[0].error").contains(segment), last.prettify());
        assertLeftNothing(last.getString("[0].scratchDirectory"));
        List<WebhookReceiver.Request> alerts = hooks.await(r -> r.path().equals("/hook") && r.body().contains("pitr-proof.failed"), 1, Duration.ofSeconds(10));
        assertTrue(alerts.get(0).body().contains(segment), alerts.get(0).body());
    }

    /** The scratch directory is gone and no process runs with it on its command line. */
    static void assertLeftNothing(String scratch) throws IOException {
        assertTrue(scratch != null && scratch.contains("proof-"), "scratch directory " + scratch);
        assertFalse(Files.exists(Path.of(scratch)), scratch + " still exists");
        List<String> left = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try {
                    String command = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                    if (command.contains(scratch)) {
                        left.add(process.getFileName() + ": " + command);
                    }
                } catch (IOException gone) {
                    // ended meanwhile
                }
            }
        }
        assertEquals(List.of(), left, "processes still running on " + scratch);
    }

    private Map<String, Long> liveRowCounts() throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = postgres.connect(TestPostgres.DATABASE)) {
            dev.linkstack.backup.postgres.TargetDatabase.countRows(connection)
                    .forEach(t -> counts.put(t.schema() + "." + t.table(), t.rows()));
        }
        assertTrue(counts.size() > 1, counts.toString());
        return counts;
    }

    private static Map<String, Long> counted(JsonPath result) {
        Map<String, Long> counts = new TreeMap<>();
        List<Map<String, Object>> tables = result.getList("tables");
        tables.forEach(t -> counts.put(t.get("schema") + "." + t.get("table"), ((Number) t.get("rows")).longValue()));
        return counts;
    }

    private static String page() {
        return dev.linkstack.backup.testing.Api.signedInPage();
    }

    private void sql(String... statements) throws SQLException {
        try (Connection connection = postgres.connect(TestPostgres.DATABASE); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Switches to a new WAL segment and waits until the archive holds the completed segment with everything written so far. */
    private void awaitArchivedUpToNow() throws SQLException, IOException {
        String lsn;
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                lsn = rs.getString(1);
            }
            statement.execute("SELECT pg_switch_wal()");
        }
        long needed = WalArchive.segmentOf(lsn);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (WalArchive.scan(Path.of(receiver.status().dir())).timelines().getOrDefault(1, new TreeMap<>()).values().stream()
                .noneMatch(s -> !s.partial() && s.number() >= needed)) {
            assertTrue(System.nanoTime() < deadline, "segment of " + lsn + " not archived: " + receiver.status());
            Processes.sleep(100);
        }
    }

    static void awaitReceiverRunning(WalReceiver receiver) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!receiver.status().running()) {
            assertTrue(System.nanoTime() < deadline, "pg_receivewal does not run: " + receiver.status());
            Processes.sleep(100);
        }
    }

    private CommandLineRun cli(String... args) {
        return CommandLineRun.of(commandLine, args);
    }
}
