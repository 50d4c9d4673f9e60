package dev.linkstack.backup.pitr;

import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.linkstack.backup.pitr.PitrTesting.awaitCompletedAfter;
import static dev.linkstack.backup.pitr.PitrTesting.tableWithBaseBackup;
import static dev.linkstack.backup.pitr.PitrTesting.awaitWalArchiveHealth;
import static dev.linkstack.backup.pitr.PitrTesting.ids;
import static dev.linkstack.backup.pitr.PitrTesting.insertRows;
import static dev.linkstack.backup.pitr.PitrTesting.switchWal;
import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL restarted under a running pg_receivewal, on real servers: {@code pg_ctl restart -m fast}, then an
 * immediate stop (no shutdown checkpoint: the next start is a crash recovery) that lasts past the receiver's grace.
 * The receiver reconnects on the same slot, the health check is DOWN while it cannot and UP after, the archive has no
 * gap, and a restore to "latest" holds the rows committed before, between and after.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true)
class PitrRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    @Test
    void theReceiverFollowsPostgresThroughARestartAndACrashWithoutAGap() throws Exception {
        tableWithBaseBackup(postgres, receiver);
        insertRows(postgres, 1, 100);
        switchWal(postgres, 1);
        String beforeRestart = awaitCompletedAfter(receiver, null, WAIT);

        // 1. A clean restart, seconds long: the receiver's connection ends and it comes back on its own.
        long restarts = receiver.status().restarts();
        long pid = receiver.pid().orElseThrow();
        pgCtl("-m", "fast", "restart");
        insertRows(postgres, 101, 200);
        awaitReceiverBack(restarts, pid);
        switchWal(postgres, 1);
        String afterRestart = awaitCompletedAfter(receiver, beforeRestart, WAIT);

        // 2. An immediate stop, as a crash leaves the server, kept down past the grace: the health check says so.
        restarts = receiver.status().restarts();
        pid = receiver.pid().orElseThrow();
        pgCtl("-m", "immediate", "stop");
        String down = awaitWalArchiveHealth("DOWN", WAIT);
        JsonPath check = JsonPath.from(down).setRootPath("checks.find { it.name == 'wal-archive' }");
        assertTrue(check.getString("data.receiverDownSince") != null && check.getString("data.lastExit") != null, down);
        postgres.server().start();
        assertTrue(postgres.server().log().contains("automatic recovery in progress"), "the start after an immediate stop is a crash recovery");
        awaitReceiverBack(restarts, pid);
        awaitWalArchiveHealth("UP", WAIT);
        insertRows(postgres, 201, 300);
        switchWal(postgres, 1);
        String afterCrash = awaitCompletedAfter(receiver, afterRestart, WAIT);

        assertEquals(List.of(receiver.status().slot() + " active"), slots(), "one slot, the receiver's, in use again");
        authorized().get("/api/pitr/wal").then().statusCode(200).body("gaps.size()", equalTo(0));
        Set<Long> atLatest = PitrTesting.restoreAndRead("{\"target\":\"latest\"}");
        long lost = ids(1, 300).stream().filter(id -> !atLatest.contains(id)).count();
        ReliabilityReport.record("backup-service: PostgreSQL restarted under pg_receivewal (pg_ctl restart -m fast; stop -m immediate"
                        + " past the grace, then crash recovery)", "2 restarts, 300 acknowledged commits",
                "0 gaps (archive went on from " + beforeRestart + " to " + afterCrash + ", health DOWN while down, UP after)",
                lost + " acknowledged commits lost on restore to latest");
        assertEquals(ids(1, 300), atLatest, "rows committed before, between and after the restarts");
    }

    /** pg_ctl on the test server's data directory, as its service user, logging where the harness does. */
    private void pgCtl(String... arguments) {
        List<String> command = new ArrayList<>(List.of(postgres.server().binDir() + "/pg_ctl", "-D", postgres.server().dataDir().toString(),
                "-l", postgres.server().dataDir().resolveSibling("server.log").toString(), "-w", "-t", "60"));
        command.addAll(List.of(arguments));
        Processes.run(Duration.ofSeconds(90), Processes.asServiceUser(command));
    }

    /** Waits until a new pg_receivewal runs (restarted by the service after {@code restarts}, not process {@code pid}). */
    private void awaitReceiverBack(long restarts, long pid) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (receiver.status().restarts() <= restarts || receiver.pid().isEmpty() || receiver.pid().get() == pid
                || receiver.status().slotLagBytes() < 0) {
            assertTrue(System.nanoTime() < deadline, "pg_receivewal did not come back: " + receiver.status());
            Processes.sleep(200);
        }
    }

    private List<String> slots() throws Exception {
        List<String> slots = new ArrayList<>();
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT slot_name, active FROM pg_replication_slots ORDER BY 1")) {
            while (rs.next()) {
                slots.add(rs.getString(1) + (rs.getBoolean(2) ? " active" : " inactive"));
            }
        }
        return slots;
    }
}
