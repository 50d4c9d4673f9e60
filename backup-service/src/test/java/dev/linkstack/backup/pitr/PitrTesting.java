package dev.linkstack.backup.pitr;

import dev.linkstack.backup.cli.BackupCommandLine;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import io.restassured.response.Response;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the point-in-time recovery tests do alike: switch WAL, wait for the receiver, restore, run the command line. */
final class PitrTesting {
    private PitrTesting() {
    }

    static Response restore(String body) {
        return authorized().contentType("application/json").body(body).post("/api/pitr/restore");
    }

    /** Writes a little and switches to a new WAL segment, {@code times} times. */
    static void switchWal(TestPostgres postgres, int times) throws SQLException {
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement()) {
            for (int i = 0; i < times; i++) {
                statement.execute("CREATE TABLE IF NOT EXISTS wal_filler (n int); INSERT INTO wal_filler VALUES (1)");
                statement.execute("SELECT pg_switch_wal()");
            }
        }
    }

    static void awaitReceiverRunning(WalReceiver receiver) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!receiver.status().running() || receiver.status().slotLagBytes() < 0) {
            assertTrue(System.nanoTime() < deadline, "pg_receivewal does not run: " + receiver.status());
            Processes.sleep(100);
        }
    }

    /** Restores into a new directory, starts PostgreSQL on it, waits for the promotion and reads pitr_rows' ids. */
    static Set<Long> restoreAndRead(String targetJson) throws SQLException {
        PostgresServer restored = PostgresServer.installed().durableWithReplication();
        try {
            String body = "{\"directory\":\"" + restored.dataDir() + "\"," + targetJson.substring(1);
            restore(body).then().log().ifValidationFails().statusCode(200);
            restored.startOnPreparedData();
            try (Connection connection = connectOncePromoted(restored)) {
                Set<Long> ids = new HashSet<>();
                try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT id FROM pitr_rows")) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                return ids;
            }
        } finally {
            restored.close();
        }
    }

    /** A connection to the restored server once it has promoted (no longer in recovery). */
    static Connection connectOncePromoted(PostgresServer restored) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Connection connection = DriverManager.getConnection(restored.jdbcUrl(TestPostgres.DATABASE), PostgresServer.SUPERUSER,
                PostgresServer.SUPERUSER_PASSWORD);
        while (true) {
            try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return connection;
                }
            }
            if (System.nanoTime() >= deadline) {
                connection.close();
            }
            assertTrue(System.nanoTime() < deadline, "still in recovery: " + restored.log());
            Processes.sleep(200);
        }
    }
}
