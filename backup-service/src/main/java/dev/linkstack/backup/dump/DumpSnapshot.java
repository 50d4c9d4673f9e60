package dev.linkstack.backup.dump;

import dev.linkstack.backup.model.TableRows;
import dev.linkstack.backup.postgres.TargetDatabase;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A read-only REPEATABLE READ transaction whose snapshot is exported to pg_dump ({@code --snapshot}), so the row
 * counts recorded with a backup are those of exactly the data in the dump, without counting inside pg_dump's own
 * session. The transaction stays open until the dump is done: pg_dump can only import a live snapshot.
 * Counting is best effort: a backup never fails because its counts could not be taken.
 */
final class DumpSnapshot implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DumpSnapshot.class);

    private final Connection connection;
    private final String id;

    private DumpSnapshot(Connection connection, String id) {
        this.connection = connection;
        this.id = id;
    }

    /** Empty when no snapshot can be exported; pg_dump then takes its own and no counts are recorded. */
    static Optional<DumpSnapshot> export(TargetDatabase target, String database) {
        Connection connection = null;
        try {
            connection = target.connect(database);
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT pg_export_snapshot()")) {
                rs.next();
                return Optional.of(new DumpSnapshot(connection, rs.getString(1)));
            }
        } catch (SQLException e) {
            LOG.warnf("cannot export a snapshot for the dump, no row counts will be recorded: %s", e.getMessage());
            closeQuietly(connection);
            return Optional.empty();
        }
    }

    String id() {
        return id;
    }

    /** Row counts of every table in the exported snapshot; null when they cannot be taken within the time limit. */
    List<TableRows> countRows(Duration timeLimit) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL statement_timeout = " + Math.max(1, timeLimit.toMillis()));
            return TargetDatabase.countRows(connection);
        } catch (SQLException e) {
            LOG.warnf("row counts for the backup could not be taken: %s", e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the session may already be gone
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing left to release
        }
    }
}
