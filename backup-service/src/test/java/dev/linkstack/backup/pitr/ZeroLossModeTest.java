package dev.linkstack.backup.pitr;

import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.linkstack.backup.pitr.PitrTesting.awaitReceiverRunning;
import static dev.linkstack.backup.testing.Api.authorized;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Zero-loss mode on real servers: the receiver runs with --synchronous and the server names it in
 * synchronous_standby_names, rows are written one commit each, the postmaster is killed with SIGKILL mid-write and its
 * data directory deleted; a restore to "latest" has every commit the client saw acknowledged. The same writer's rate
 * without the synchronous standby is measured first: the mode's cost.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "backup.wal.synchronous", value = "true"))
class ZeroLossModeTest {
    private static final Duration PHASE = Duration.ofSeconds(3);

    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    private final List<Long> acknowledged = new ArrayList<>();

    @Test
    void noAcknowledgedCommitIsLostWhenThePrimaryIsKilled() throws Exception {
        awaitReceiverRunning(receiver);
        try (Connection connection = postgres.connect(TestPostgres.DATABASE); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE pitr_rows (id bigint PRIMARY KEY, note text)");
        }
        authorized().post("/api/pitr/base-backups").then().log().ifValidationFails().statusCode(201);

        double asynchronous = commitsPerSecond(PHASE);
        standby("\"linkstack_backup\"");
        awaitSynchronousStandby();
        double synchronous = commitsPerSecond(PHASE);

        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> write(stop), "zero-loss-writer");
        writer.start();
        Processes.sleep(1500);
        int killed = postgres.server().kill9();
        stop.set(true);
        writer.join(10_000);
        Processes.deleteRecursively(postgres.server().dataDir());
        List<Long> seen;
        synchronized (acknowledged) {
            seen = List.copyOf(acknowledged);
        }
        assertTrue(seen.size() > 100, "the writer committed " + seen.size() + " rows");
        Processes.sleep(1000); // the receiver notices the server is gone

        Set<Long> atLatest = PitrTesting.restoreAndRead("{\"target\":\"latest\"}");
        List<Long> lost = seen.stream().filter(id -> !atLatest.contains(id)).toList();
        ReliabilityReport.record("backup-service: zero-loss mode (synchronous receiver), PostgreSQL killed (SIGKILL, " + killed
                        + " processes), data directory deleted, restored to latest",
                String.format(Locale.ROOT, "%,d acknowledged commits; one client's commits/s %.0f synchronous vs %.0f without", seen.size(),
                        synchronous, asynchronous),
                "0 restores failed", lost.size() + " acknowledged commits lost");
        assertEquals(List.of(), lost, "acknowledged commits missing after a restore to latest in zero-loss mode");
    }

    /** Sets synchronous_standby_names ('' turns the mode off on the server's side) and reloads. */
    private void standby(String names) throws SQLException {
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("ALTER SYSTEM SET synchronous_standby_names = '" + names.replace("'", "''") + "'");
            statement.execute("SELECT pg_reload_conf()");
        }
    }

    private void awaitSynchronousStandby() throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement()) {
            while (true) {
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'linkstack_backup'"
                        + " AND sync_state = 'sync'")) {
                    rs.next();
                    if (rs.getInt(1) == 1) {
                        return;
                    }
                }
                assertTrue(System.nanoTime() < deadline, "the receiver never became the synchronous standby");
                Processes.sleep(100);
            }
        }
    }

    private double commitsPerSecond(Duration phase) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        int before;
        synchronized (acknowledged) {
            before = acknowledged.size();
        }
        Thread writer = new Thread(() -> write(stop), "zero-loss-rate");
        long started = System.nanoTime();
        writer.start();
        Thread.sleep(phase.toMillis());
        stop.set(true);
        writer.join(10_000);
        double seconds = (System.nanoTime() - started) / 1e9;
        synchronized (acknowledged) {
            return (acknowledged.size() - before) / seconds;
        }
    }

    private void write(AtomicBoolean stop) {
        try (Connection connection = postgres.connect(TestPostgres.DATABASE);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO pitr_rows VALUES (?, 'row')")) {
            connection.setAutoCommit(true);
            while (!stop.get()) {
                long id;
                synchronized (acknowledged) {
                    id = acknowledged.isEmpty() ? 1 : acknowledged.get(acknowledged.size() - 1) + 1;
                }
                insert.setLong(1, id);
                insert.executeUpdate();
                synchronized (acknowledged) {
                    acknowledged.add(id);
                }
            }
        } catch (SQLException e) {
            // the server was killed: the insert in flight was never acknowledged
        }
    }
}
