package dev.linkstack.backup.pitr;

import dev.linkstack.backup.postgres.PostgresTools;
import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.Processes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment's roles on a real PostgreSQL: the service's own role has no REPLICATION; pg_receivewal and
 * pg_basebackup connect as the replication-only role (BACKUP_WAL_USER / BACKUP_WAL_PASSWORD), SQL stays on the
 * service's role, and restore points are made in the {@code postgres} database, the only one with the grant.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true)
class ReplicationRoleTest {

    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    @Inject
    PostgresTools tools;

    @Test
    void theArchiveAndBaseBackupsConnectAsTheReplicationRoleWhileTheServiceRoleCannotReplicate() throws Exception {
        assertEquals(List.of(DurablePostgresResource.REPLICATION_ROLE),
                superuserStrings("SELECT rolname FROM pg_roles WHERE rolreplication AND NOT rolsuper ORDER BY 1"),
                "only the replication role may replicate; " + TestPostgres.OWNER + " may not");

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // The slot's lag is read as the service's role (pg_replication_slots is readable by any role).
        while (!receiver.status().running() || receiver.status().slotLagBytes() < 0) {
            assertTrue(System.nanoTime() < deadline, "pg_receivewal does not run: " + receiver.status());
            Processes.sleep(100);
        }
        // The receiver is named after its slot (what synchronous_standby_names names in zero-loss mode).
        assertEquals(List.of(DurablePostgresResource.REPLICATION_ROLE + " linkstack_backup"),
                superuserStrings("SELECT usename || ' ' || application_name FROM pg_stat_replication"));

        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE wal_filler (n int); INSERT INTO wal_filler VALUES (1)");
            statement.execute("SELECT pg_switch_wal()");
        }
        Path wal = Path.of(receiver.status().dir());
        while (gzippedSegments(wal).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no segment archived: " + receiver.status());
            Processes.sleep(100);
        }

        authorized().post("/api/pitr/base-backups").then().log().ifValidationFails().statusCode(201)
                .body("id", notNullValue()).body("timeline", equalTo(1));

        // The same pg_basebackup with the service's own credentials is refused: the replication role is what works.
        Path scratch = Files.createTempDirectory("basebackup-as-owner");
        try {
            ProcessBuilder asOwner = tools.command("pg_basebackup", TestPostgres.DATABASE, List.of("-D", scratch.resolve("data").toString(),
                    "--wal-method=none", "--no-sync")).redirectErrorStream(true);
            Process process = asOwner.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertNotEquals(0, process.exitValue(), output);
            assertTrue(output.contains("must be superuser or replication role"), output);
        } finally {
            Processes.deleteRecursively(scratch);
        }
    }

    @Test
    void restorePointsAreMadeInTheMaintenanceDatabase() throws Exception {
        authorized().contentType("application/json").body("{\"name\":\"from_postgres_db\"}").post("/api/pitr/restore-points").then()
                .log().ifValidationFails().statusCode(201).body("lsn", notNullValue());
        // In the app's database the service's role holds no grant on the function, so that its dump carries none.
        try (Connection connection = postgres.connect(TestPostgres.DATABASE); Statement statement = connection.createStatement()) {
            SQLException refused = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT pg_create_restore_point('in_app_db')"));
            assertEquals("42501", refused.getSQLState(), refused.getMessage());
        }
        assertFalse(postgres.snapshot(TestPostgres.DATABASE).contains("pg_create_restore_point"));
    }

    private List<String> superuserStrings(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static List<Path> gzippedSegments(Path wal) throws IOException {
        if (!Files.isDirectory(wal)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(wal)) {
            return files.filter(f -> f.getFileName().toString().matches("[0-9A-F]{24}\\.gz")).toList();
        }
    }
}
