package dev.linkstack.backup.testing;

import dev.linkstack.testing.Processes;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Holds an exclusive lock on a table, so a pg_dump started meanwhile blocks on it: a real pg_dump that is
 * reliably still running while a test kills it, stops the server or triggers a second backup.
 */
public final class TableLock implements AutoCloseable {
    private final TestPostgres postgres;
    private final Connection connection;

    private TableLock(TestPostgres postgres, Connection connection) {
        this.postgres = postgres;
        this.connection = connection;
    }

    public static TableLock hold(TestPostgres postgres, String table) throws SQLException {
        Connection connection = postgres.connectAsSuperuser(TestPostgres.DATABASE);
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        }
        return new TableLock(postgres, connection);
    }

    /** Waits until a pg_dump session (application name "backup-service") waits for a lock. */
    public void awaitBlockedDump(Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection observer = postgres.connectAsSuperuser("postgres"); Statement statement = observer.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE application_name = 'backup-service' AND wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE%'")) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Processes.sleep(50);
            }
        }
        throw new AssertionError("no pg_dump blocked on the table lock within " + timeout);
    }

    @Override
    public void close() {
        try {
            connection.rollback();
            connection.close();
        } catch (SQLException e) {
            // the server may have been stopped under the lock; its session is gone either way
        }
    }
}
