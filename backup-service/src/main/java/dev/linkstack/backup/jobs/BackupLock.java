package dev.linkstack.backup.jobs;

import dev.linkstack.backup.postgres.PostgresTools;
import dev.linkstack.backup.postgres.TargetDatabase;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * One backup per target database at a time, across every backup-service instance pointed at it: a session-level
 * PostgreSQL advisory lock on the target database itself. The lock lives as long as the connection holding it, so a
 * crashed instance cannot leave it behind.
 */
@Singleton
public class BackupLock {
    private static final Logger LOG = Logger.getLogger(BackupLock.class);
    private static final String HOLDER_PREFIX = "backup-service job ";

    private final TargetDatabase target;

    @Inject
    public BackupLock(TargetDatabase target) {
        this.target = target;
    }

    /**
     * Takes the lock without waiting. Empty means another session holds it.
     *
     * @throws SQLException when the database cannot be reached
     */
    public Optional<Held> tryAcquire(String jobId) throws SQLException {
        Connection connection = target.connection();
        try {
            boolean granted;
            try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                statement.setLong(1, key(target.name()));
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    granted = rs.getBoolean(1);
                }
            }
            if (!granted) {
                connection.close();
                return Optional.empty();
            }
            // Lets a refused instance name the job that holds the lock.
            setApplicationName(connection, HOLDER_PREFIX + jobId);
            return Optional.of(new Held(connection, key(target.name())));
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Who holds the lock right now, as far as PostgreSQL lets this role see; empty if nobody or unknown. */
    public Optional<String> holder() {
        long key = key(target.name());
        String sql = "SELECT a.application_name, a.client_addr::text, a.backend_start FROM pg_locks l"
                + " JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND l.classid::bigint = ? AND l.objid::bigint = ? AND l.objsubid = 1";
        try (Connection connection = target.connection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            // A bigint key is shown split into its high (classid) and low (objid) 32 bits.
            statement.setLong(1, key >>> 32);
            statement.setLong(2, key & 0xFFFFFFFFL);
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                    String name = rs.getString(1);
                    String address = rs.getString(2);
                    return Optional.of((name == null || name.isBlank() ? "another session" : name)
                            + (address == null ? "" : " from " + address) + " since " + rs.getTimestamp(3).toInstant());
                }
            }
        } catch (SQLException e) {
            LOG.debugf("cannot look up the lock holder: %s", e.getMessage());
        }
        return Optional.empty();
    }

    /** A stable 64-bit lock key per database name, unlikely to collide with other applications' keys. */
    public static long key(String database) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("linkstack-backup:" + database).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setApplicationName(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT set_config('application_name', ?, false)")) {
            statement.setString(1, name);
            statement.execute();
        }
    }

    /** The held lock; closing it unlocks and hands the connection back. */
    public static final class Held implements AutoCloseable {
        private final Connection connection;
        private final long key;

        private Held(Connection connection, long key) {
            this.connection = connection;
            this.key = key;
        }

        @Override
        public void close() {
            try {
                try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    statement.setLong(1, key);
                    statement.execute();
                }
                setApplicationName(connection, PostgresTools.APPLICATION_NAME);
                connection.close();
            } catch (SQLException e) {
                // The session may be gone with the lock; if not, dropping the connection is what releases it.
                LOG.debugf("unlock failed, discarding the connection: %s", e.getMessage());
                try {
                    connection.abort(Runnable::run);
                } catch (SQLException ignored) {
                    // nothing else to do
                }
            }
        }
    }
}
