package dev.linkstack.backup.pitr;

import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.linkstack.backup.pitr.PitrTesting.tableWithBaseBackup;
import static dev.linkstack.backup.pitr.PitrTesting.awaitWalArchiveHealth;
import static dev.linkstack.backup.pitr.PitrTesting.ids;
import static dev.linkstack.backup.pitr.PitrTesting.insertRows;
import static dev.linkstack.backup.pitr.PitrTesting.restore;
import static dev.linkstack.backup.pitr.PitrTesting.switchWal;
import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A timeline switch after a restore, on real servers: the primary's data directory is restored to a point in time and
 * PostgreSQL started on it, on the same address, promotes to timeline 2 while the archive already holds timeline 1's
 * WAL past that point. The receiver goes on archiving the new timeline with its history file, a base backup is taken
 * on timeline 2, the archive check sees both timelines and no gap, and a restore to "latest" has the rows of the
 * restored history and the new ones, and none of the abandoned ones.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true)
class PitrTimelineTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    @Test
    void aRestoredServerOnANewTimelineIsArchivedWithoutAFalseGapAndRestoresToLatest() throws Exception {
        tableWithBaseBackup(postgres, receiver).then().body("timeline", equalTo(1));
        insertRows(postgres, 1, 100);
        Processes.sleep(500);
        Instant target = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Processes.sleep(500);
        insertRows(postgres, 101, 200);
        // Timeline 1 is archived well past the target: two segments after the one holding rows 101-200.
        String abandoned = currentWalFile();
        switchWal(postgres, 3);
        awaitArchived(abandoned + ".gz");

        postgres.server().stop();
        Processes.deleteRecursively(postgres.server().dataDir());
        restore("{\"directory\":\"" + postgres.server().dataDir() + "\",\"target\":\"" + target + "\"}").then().log().ifValidationFails()
                .statusCode(200);
        postgres.server().startOnPreparedData();
        try (Connection connection = PitrTesting.connectOncePromoted(postgres.server())) {
            assertEquals(2, timeline(connection), "promoted to a new timeline");
            assertEquals(ids(1, 100), readIds(connection), "the restored history ends at the target");
        }

        awaitArchived("00000002.history");
        authorized().post("/api/pitr/base-backups").then().log().ifValidationFails().statusCode(201).body("timeline", equalTo(2));
        insertRows(postgres, 1001, 1100);
        String newest = currentWalFile();
        assertTrue(newest.startsWith("00000002"), newest);
        switchWal(postgres, 1);
        awaitArchived(newest + ".gz");

        authorized().get("/api/pitr/wal").then().log().ifValidationFails().statusCode(200).body("gaps.size()", equalTo(0))
                .body("timelines", equalTo(List.of(1, 2))).body("historyFiles", equalTo(List.of(2)));
        String health = awaitWalArchiveHealth("UP", WAIT);
        RestAssured.get("/q/health").then().body("checks.find { it.name == 'wal-archive' }.data.timelines", equalTo("1, 2"));
        // Without its history file a restore from timeline 1's base backup could not follow the switch: the check says so.
        Path history = Path.of(receiver.status().dir()).resolve("00000002.history");
        Path aside = history.resolveSibling("history-aside");
        Files.move(history, aside);
        try {
            RestAssured.get("/q/health").then().body("checks.find { it.name == 'wal-archive' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'wal-archive' }.data.missingHistoryFiles", equalTo("timeline 2"));
        } finally {
            Files.move(aside, history, StandardCopyOption.REPLACE_EXISTING);
        }
        awaitWalArchiveHealth("UP", WAIT);
        Set<Long> atLatest = PitrTesting.restoreAndRead("{\"target\":\"latest\"}");
        Set<Long> expected = ids(1, 100);
        expected.addAll(ids(1001, 1100));
        ReliabilityReport.record("backup-service: restored to a point in time and promoted (timeline 1 to 2), archiving and restoring go on",
                "1 promotion, base backups on both timelines, 200 rows kept, 100 abandoned",
                "0 false gaps (history file archived, health UP)",
                expected.stream().filter(id -> !atLatest.contains(id)).count() + " rows of the new timeline's history lost on restore to latest");
        assertEquals(expected, atLatest, "a restore to latest follows timeline 2: " + health);
    }

    private String currentWalFile() throws SQLException {
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void awaitArchived(String file) {
        Path wal = Path.of(receiver.status().dir());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(wal.resolve(file))) {
            assertTrue(System.nanoTime() < deadline, file + " never archived: " + receiver.status());
            Processes.sleep(200);
        }
    }

    private static int timeline(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())")) {
            rs.next();
            return Integer.parseInt(rs.getString(1).substring(0, 8), 16);
        }
    }

    private static Set<Long> readIds(Connection connection) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT id FROM pitr_rows")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
