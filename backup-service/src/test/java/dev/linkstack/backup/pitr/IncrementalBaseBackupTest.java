package dev.linkstack.backup.pitr;

import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.Postgres17;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static dev.linkstack.backup.pitr.PitrTesting.archiveWhatIsCommitted;
import static dev.linkstack.backup.pitr.PitrTesting.awaitReceiverRunning;
import static dev.linkstack.backup.pitr.PitrTesting.ids;
import static dev.linkstack.backup.pitr.PitrTesting.insertRows;
import static dev.linkstack.backup.pitr.PitrTesting.restore;
import static dev.linkstack.backup.pitr.PitrTesting.restoreAndRead;
import static dev.linkstack.backup.testing.Api.authorized;
import static dev.linkstack.backup.testing.Api.signedInPage;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incremental base backups end to end on PostgreSQL 17 (summarize_wal on), its WAL archived by the service's
 * pg_receivewal 17: a full base backup, writes, an incremental one, writes, a second incremental one, writes; restores to
 * a time between the incrementals and to latest (pg_combinebackup, then WAL recovery), each started with PostgreSQL 17
 * and counted row by row; the scratch-cluster proof of the chain; a damaged member of the chain refused before anything
 * is written; retention that keeps the whole chain while its newest member is kept (keep-last 1), and lets it go
 * once a new full base backup (full-every 3) is there; summarize_wal turned off refuses an incremental one; a
 * pg_basebackup --incremental that fails (a damaged parent manifest) is a 422 when asked for and a full one otherwise.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = DurablePostgresResource.POSTGRES_17, value = "true"),
                @ResourceArg(name = "backup.base.incremental.enabled", value = "true"),
                @ResourceArg(name = "backup.base.incremental.full-every", value = "3"),
                @ResourceArg(name = "backup.base.retention.keep-last", value = "1"), @ResourceArg(name = "backup.base.retention.days", value = "0"),
                @ResourceArg(name = "backup.base.retention.keep-daily", value = "0"), @ResourceArg(name = "backup.base.retention.keep-weekly", value = "0"),
                @ResourceArg(name = "backup.base.retention.keep-monthly", value = "0")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IncrementalBaseBackupTest {
    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    private static String full;
    private static String first;
    private static String second;
    private static Instant between;

    @Test
    @Order(1)
    void aFullBaseBackupThenTwoIncrementalOnesEachOnThePreviousOne() throws Exception {
        awaitReceiverRunning(receiver);
        try (Connection connection = postgres.connect(TestPostgres.DATABASE); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE pitr_rows (id bigint PRIMARY KEY, note text)");
        }
        Response taken = take("");
        full = taken.jsonPath().getString("id");
        taken.then().body("type", equalTo("full")).body("parent", nullValue())
                .body("pgBasebackup", equalTo(Postgres17.binDir().resolve("pg_basebackup").toString())).body("serverVersion", containsString("17."));
        insertRows(postgres, 1, 100);
        Response incremental = take("");
        first = incremental.jsonPath().getString("id");
        incremental.then().body("type", equalTo("incremental")).body("parent", equalTo(full));
        insertRows(postgres, 101, 150);
        Processes.sleep(20);
        between = Instant.now();
        Processes.sleep(20);
        insertRows(postgres, 151, 200);
        Response next = take("?type=incremental");
        second = next.jsonPath().getString("id");
        next.then().body("type", equalTo("incremental")).body("parent", equalTo(first));
        insertRows(postgres, 201, 250);
        archiveWhatIsCommitted(postgres, receiver);

        Path base = baseDir();
        assertTrue(Files.size(base.resolve(second).resolve("base.tar.gz")) < Files.size(base.resolve(full).resolve("base.tar.gz")),
                "an incremental base backup holds only what changed");
        assertTrue(Files.isRegularFile(base.resolve(second).resolve("backup_manifest")), "the manifest of every base backup is kept");
        // keep-last 1 keeps the newest; the chain it needs stays with it.
        authorized().get("/api/pitr/base-backups").then().statusCode(200).body("id", equalTo(List.of(second, first, full)))
                .body("type", equalTo(List.of("incremental", "incremental", "full"))).body("parent[0]", equalTo(first))
                .body("retention", equalTo(List.of("keep", "keep", "keep")))
                .body("keptBecause[1]", equalTo("incremental base backup " + second + " is taken on it"))
                .body("keptBecause[2]", equalTo("incremental base backup " + first + " is taken on it"));
        String page = signedInPage();
        for (String[] row : new String[][] {{second, "incremental", "<code>" + first + "</code>"}, {first, "incremental", "<code>" + full + "</code>"},
                {full, "full", "none (full)"}}) {
            int at = page.indexOf("data-base-backup-id=\"" + row[0] + "\"");
            assertTrue(at > 0, "the page lists " + row[0]);
            String shown = page.substring(at, page.indexOf("</tr>", at));
            assertTrue(shown.contains("<td class=\"base-type\">" + row[1] + "</td>") && shown.contains(row[2]), shown);
        }
    }

    @Test
    @Order(2)
    void restoresToATimeBetweenTheIncrementalsAndToLatestHaveExactlyTheRowsCommitted() throws Exception {
        String at = between.atOffset(ZoneOffset.UTC).toString();
        assertEquals(ids(1, 150), restoreAndRead("{\"target\":\"" + at + "\"}", restoredServer()), "the rows committed by " + at);
        assertEquals(ids(1, 250), restoreAndRead("{\"target\":\"latest\"}", restoredServer()), "every committed row");
    }

    @Test
    @Order(3)
    void theScratchClusterProofCombinesTheChain() {
        authorized().contentType("application/json").body("{\"target\":\"latest\"}").post("/api/pitr/proofs").then().log().ifValidationFails()
                .statusCode(200).body("ok", equalTo(true)).body("baseBackupId", equalTo(second))
                .body("tables.find { it.table == 'pitr_rows' }.rows", equalTo(250));
    }

    @Test
    @Order(4)
    void aDamagedMemberOfTheChainIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path tar = baseDir().resolve(full).resolve("base.tar.gz");
        flipByte(tar);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "pitr-incremental-" + System.nanoTime(), "data");
        try {
            restore("{\"directory\":\"" + dir + "\",\"target\":\"latest\"}").then().statusCode(422).body("error", equalTo("base_backup_damaged"))
                    .body("message", containsString("Base backup " + full + " (in the chain of " + second + ")"));
            assertFalse(Files.exists(dir), "nothing written for a refused restore");
            assertFalse(Files.exists(dir.resolveSibling(".data.chain")), "no work directory left");
        } finally {
            flipByte(tar);
            Processes.deleteRecursively(dir.getParent());
        }
    }

    @Test
    @Order(5)
    void aFullBaseBackupStartsTheNextChainAndRetentionLetsTheOldOneGoWithItsWal() throws Exception {
        Response taken = take("");
        String next = taken.jsonPath().getString("id");
        taken.then().body("type", equalTo("full")).body("parent", nullValue());
        authorized().get("/api/pitr/base-backups").then().body("id", equalTo(List.of(next)));
        try (Stream<Path> left = Files.list(baseDir())) {
            assertEquals(List.of(next), left.map(p -> p.getFileName().toString()).toList(), "the old chain is gone, hidden names included");
        }
        String keptFrom = WalArchive.segmentName(1, WalArchive.segmentOf(taken.jsonPath().getString("startLsn")));
        WalArchive.Listing archive = WalArchive.scan(Path.of(receiver.status().dir()));
        assertEquals(keptFrom, archive.timelines().get(1).values().iterator().next().name(), "WAL pruned to the start of the oldest kept");
        insertRows(postgres, 251, 260);
        archiveWhatIsCommitted(postgres, receiver);
        assertEquals(ids(1, 260), restoreAndRead("{\"target\":\"latest\"}", restoredServer()), "every committed row from the new full one");
    }

    @Test
    @Order(6)
    void withSummarizeWalOffAnIncrementalOneIsRefusedWithTheReason() throws Exception {
        authorized().post("/api/pitr/base-backups?type=weekly").then().statusCode(400).body("error", equalTo("bad_request"));
        setSummarizeWal("off");
        List<String> before = authorized().get("/api/pitr/base-backups").jsonPath().getList("id");
        authorized().post("/api/pitr/base-backups?type=incremental").then().statusCode(422).body("error", equalTo("incremental_not_possible"))
                .body("message", containsString("summarize_wal is off"));
        assertEquals(before, authorized().get("/api/pitr/base-backups").jsonPath().getList("id"), "nothing taken");
    }

    @Test
    @Order(7)
    void anIncrementalOneThatFailsIsA422AskedForAndAFullOneOnTheSchedule() throws Exception {
        setSummarizeWal("on");
        String newest = authorized().get("/api/pitr/base-backups").jsonPath().getString("[0].id");
        Files.writeString(baseDir().resolve(newest).resolve("backup_manifest"), "{\"PostgreSQL-Backup-Manifest-Version\": 2}");
        authorized().post("/api/pitr/base-backups?type=incremental").then().statusCode(422).body("error", equalTo("incremental_failed"))
                .body("message", containsString("pg_basebackup --incremental on " + newest + " failed"));
        take("").then().body("type", equalTo("full")).body("parent", nullValue());
        authorized().get("/api/pitr/base-backups").then().body("size()", equalTo(1)).body("[0].type", equalTo("full"));
    }

    private static Response take(String query) {
        return authorized().post("/api/pitr/base-backups" + query).then().log().ifValidationFails().statusCode(201).extract().response();
    }

    /** As an operator does it: ALTER SYSTEM and a reload; returns once the server runs with it. */
    private void setSummarizeWal(String value) throws java.sql.SQLException {
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("ALTER SYSTEM SET summarize_wal = " + value);
            statement.execute("SELECT pg_reload_conf()");
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!value.equals(summarizeWal())) {
            assertTrue(System.nanoTime() < deadline, "summarize_wal is not " + value + " yet");
            Processes.sleep(100);
        }
    }

    private String summarizeWal() throws java.sql.SQLException {
        try (Connection connection = postgres.connect(TestPostgres.DATABASE); Statement statement = connection.createStatement();
             java.sql.ResultSet rs = statement.executeQuery("SHOW summarize_wal")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private Path baseDir() {
        return postgres.backupDir().resolve("base");
    }

    private static PostgresServer restoredServer() {
        return PostgresServer.at(Postgres17.binDir()).durableWithReplication();
    }

    private static void flipByte(Path file) throws Exception {
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(raw.length() / 2);
            int b = raw.read();
            raw.seek(raw.length() / 2);
            raw.write(b ^ 0xFF);
        }
    }
}
