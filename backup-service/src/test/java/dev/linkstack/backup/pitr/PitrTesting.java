package dev.linkstack.backup.pitr;

import dev.linkstack.backup.cli.BackupCommandLine;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /** The receiver running, then a base backup (201) taken through the API. */
    static Response baseBackupOnceReceiving(WalReceiver receiver) {
        awaitReceiverRunning(receiver);
        return authorized().post("/api/pitr/base-backups").then().log().ifValidationFails().statusCode(201).extract().response();
    }

    /** Where the fault tests start: the receiver running, an empty pitr_rows table, and a base backup (201) of it. */
    static Response tableWithBaseBackup(TestPostgres postgres, WalReceiver receiver) throws SQLException {
        awaitReceiverRunning(receiver);
        try (Connection connection = postgres.connect(TestPostgres.DATABASE); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE pitr_rows (id bigint PRIMARY KEY, note text)");
        }
        return authorized().post("/api/pitr/base-backups").then().log().ifValidationFails().statusCode(201).extract().response();
    }

    /** Restores into a new directory, starts PostgreSQL on it, waits for the promotion and reads pitr_rows' ids. */
    static Set<Long> restoreAndRead(String targetJson) throws SQLException {
        return restoreAndRead(targetJson, PostgresServer.installed().durableWithReplication());
    }

    /** The same, started with {@code restored}'s programs (of the base backup's major version). */
    static Set<Long> restoreAndRead(String targetJson, PostgresServer restored) throws SQLException {
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

    /** Inserts pitr_rows ids {@code from} to {@code to}, one commit each; returns once the server acknowledged them all. */
    static void insertRows(TestPostgres postgres, long from, long to) throws SQLException {
        try (Connection connection = postgres.connect(TestPostgres.DATABASE);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO pitr_rows VALUES (?, 'row')")) {
            connection.setAutoCommit(true);
            for (long id = from; id <= to; id++) {
                insert.setLong(1, id);
                insert.executeUpdate();
            }
        }
    }

    /** The ids {@code from} to {@code to}. */
    static Set<Long> ids(long from, long to) {
        Set<Long> ids = new HashSet<>();
        for (long id = from; id <= to; id++) {
            ids.add(id);
        }
        return ids;
    }

    /**
     * Waits until the archive's newest completed (gzipped) segment on any timeline sorts after {@code previous} (a
     * segment name, or null), with no gap; returns its name.
     */
    static String awaitCompletedAfter(WalReceiver receiver, String previous, Duration timeout) throws IOException {
        Path wal = Path.of(receiver.status().dir());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            WalArchive.Listing listing = WalArchive.scan(wal);
            String newest = listing.timelines().values().stream().flatMap(t -> t.values().stream())
                    .filter(s -> !s.partial() && s.compressed()).map(WalArchive.Segment::name).max(String::compareTo).orElse(null);
            if (newest != null && (previous == null || newest.compareTo(previous) > 0)) {
                assertEquals(List.of(), listing.gaps());
                return newest;
            }
            assertTrue(System.nanoTime() < deadline, "no new completed segment after " + previous + ": " + listing + "; " + receiver.status());
            Processes.sleep(200);
        }
    }

    /**
     * Switches WAL and waits until the segment that held everything committed so far is completed in the archive;
     * returns its name.
     */
    static String archiveWhatIsCommitted(TestPostgres postgres, WalReceiver receiver) throws SQLException, IOException {
        String segment;
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())")) {
            rs.next();
            segment = rs.getString(1);
        }
        switchWal(postgres, 1);
        Path wal = Path.of(receiver.status().dir());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (WalArchive.scan(wal).timelines().values().stream().flatMap(t -> t.values().stream())
                .noneMatch(s -> s.name().equals(segment) && !s.partial() && s.compressed())) {
            assertTrue(System.nanoTime() < deadline, segment + " not archived: " + receiver.status());
            Processes.sleep(100);
        }
        return segment;
    }

    /** Waits until the off-site bucket holds {@code name} (under the database's prefix). */
    static void awaitOffsite(String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (software.amazon.awssdk.services.s3.S3Client s3 = dev.linkstack.backup.testing.S3Resource.client()) {
            while (s3.listObjectsV2(b -> b.bucket(dev.linkstack.backup.testing.S3Resource.BUCKET).prefix("shop/" + name)).contents().isEmpty()) {
                assertTrue(System.nanoTime() < deadline, name + " never copied off-site");
                Processes.sleep(200);
            }
        }
    }

    /** Waits until the 'wal-archive' health check answers {@code status}; returns the whole health answer. */
    static String awaitWalArchiveHealth(String status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Response health = RestAssured.get("/q/health");
            if (status.equals(health.jsonPath().getString("checks.find { it.name == 'wal-archive' }.status"))) {
                return health.asString();
            }
            assertTrue(System.nanoTime() < deadline, "wal-archive never " + status + ": " + health);
            Processes.sleep(250);
        }
    }
}
