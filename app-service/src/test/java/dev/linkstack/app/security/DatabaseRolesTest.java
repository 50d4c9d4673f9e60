package dev.linkstack.app.security;

import dev.linkstack.testing.DatabaseRoles;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.ReliabilityReport;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The roles of deploy/postgres/init-roles.sh on a real PostgreSQL (the installed one, so its pg_dump fits): the app's
 * migrations run as the owner, then the app's role tries DDL and other roles' data and the backup role tries to write;
 * every such statement must be refused, while the rows the app works with stay readable and writable.
 */
class DatabaseRolesTest {
    private static final String DATABASE = "linkstack_roles";
    /** PostgreSQL's SQLSTATE for "permission denied" (and "must be owner"). */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private static PostgresServer postgres;
    private static DatabaseRoles roles;
    private static List<String> appTables;

    @BeforeAll
    static void deployTheRolesAndMigrate() throws SQLException {
        postgres = PostgresServer.installed().start();
        roles = DatabaseRoles.named(DATABASE, "roles").createOn(postgres);
        Flyway.configure().dataSource(postgres.jdbcUrl(DATABASE), roles.owner(), roles.ownerPassword())
                .locations("classpath:db/migration/postgresql").load().migrate();
        appTables = new ArrayList<>();
        try (Connection connection = connect(DATABASE, roles.owner(), roles.ownerPassword()); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user ORDER BY 1")) {
            while (rs.next()) {
                appTables.add(rs.getString(1));
            }
        }
        assertTrue(appTables.contains("links") && appTables.contains("users"), "the migrations ran as the owner: " + appTables);
        // Data the app's role has no grant on: a table of the superuser's in the app database and one in another database.
        postgres.execute(DATABASE, "CREATE TABLE private_notes (note text)", "INSERT INTO private_notes VALUES ('not the app''s')");
        postgres.execute("postgres", "CREATE TABLE operator_notes (note text)", "INSERT INTO operator_notes VALUES ('not the app''s')");
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theAppsRoleCannotChangeTheSchemaNorReadOtherRolesData() throws SQLException {
        Map<String, String> attempts = new LinkedHashMap<>();
        for (String table : appTables) {
            attempts.put("DROP TABLE " + table, DATABASE);
            attempts.put("ALTER TABLE " + table + " ADD COLUMN planted text", DATABASE);
            attempts.put("TRUNCATE " + table, DATABASE);
            attempts.put("CREATE INDEX ON " + table + " ((1))", DATABASE);
        }
        attempts.put("CREATE TABLE planted (id int)", DATABASE);
        attempts.put("CREATE TEMPORARY TABLE planted (id int)", DATABASE);
        attempts.put("CREATE SCHEMA planted", DATABASE);
        attempts.put("CREATE FUNCTION planted() RETURNS int LANGUAGE sql AS 'SELECT 1'", DATABASE);
        attempts.put("CREATE DATABASE planted", DATABASE);
        attempts.put("CREATE ROLE planted", DATABASE);
        attempts.put("SELECT * FROM private_notes", DATABASE);
        attempts.put("SELECT * FROM operator_notes", "postgres");
        attempts.put("SELECT rolpassword FROM pg_authid", DATABASE);

        List<String> allowed = allowedAs(roles.app(), roles.appPassword(), attempts);
        ReliabilityReport.record("PostgreSQL runtime role: DDL and other roles' data", attempts.size() + " statements", allowed.size() + " allowed", "n/a");
        assertEquals(List.of(), allowed, "statements the app's role must not be able to run");
    }

    @Test
    void theAppsRoleReadsAndWritesTheRowsOfEveryAppTable() throws SQLException {
        try (Connection connection = connect(DATABASE, roles.app(), roles.appPassword()); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO users (username, password_hash, role, created_at) VALUES ('roles-test', 'x', 'USER', now())");
            statement.execute("INSERT INTO links (code, target_url, owner_id, created_at, updated_at)"
                    + " SELECT 'roles1', 'https://example.org/', id, now(), now() FROM users WHERE username = 'roles-test'");
            assertEquals(1, statement.executeUpdate("UPDATE links SET target_url = 'https://example.org/2' WHERE code = 'roles1'"));
            try (ResultSet rs = statement.executeQuery("SELECT target_url FROM links WHERE code = 'roles1'")) {
                assertTrue(rs.next());
                assertEquals("https://example.org/2", rs.getString(1));
            }
            assertEquals(1, statement.executeUpdate("DELETE FROM users WHERE username = 'roles-test'"));
            for (String table : appTables) {
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
                    assertTrue(rs.next(), table);
                }
            }
        }
    }

    @Test
    void theBackupRoleDumpsTheDatabaseAndCannotWriteToIt() throws Exception {
        postgres.execute(DATABASE, "INSERT INTO users (username, password_hash, role, created_at) VALUES ('dumped', 'x', 'USER', now())");
        String dump = run(List.of("pg_dump", "--no-password", DATABASE), roles.backup(), roles.backupPassword());
        assertTrue(dump.contains("COPY public.users") && dump.contains("dumped"), "pg_dump as the backup role has the app's rows");
        String globals = run(List.of("pg_dumpall", "--globals-only", "--no-role-passwords", "--no-password"), roles.backup(), roles.backupPassword());
        assertTrue(globals.contains("CREATE ROLE " + roles.app()), "pg_dumpall --globals-only as the backup role");
        try (Connection connection = connect("postgres", roles.backup(), roles.backupPassword()); Statement statement = connection.createStatement()) {
            // What a restore test does: a scratch database of its own, dropped afterwards.
            statement.execute("CREATE DATABASE roles_scratch TEMPLATE template0");
            statement.execute("DROP DATABASE roles_scratch WITH (FORCE)");
        }

        Map<String, String> attempts = new LinkedHashMap<>();
        for (String table : appTables) {
            attempts.put("DELETE FROM " + table, DATABASE);
            attempts.put("UPDATE " + table + " SET " + firstColumn(table) + " = " + firstColumn(table), DATABASE);
            attempts.put("TRUNCATE " + table, DATABASE);
            attempts.put("DROP TABLE " + table, DATABASE);
        }
        attempts.put("INSERT INTO users (username, password_hash, role, created_at) VALUES ('planted', 'x', 'ADMIN', now())", DATABASE);
        attempts.put("CREATE TABLE planted (id int)", DATABASE);
        attempts.put("DROP DATABASE " + DATABASE, "postgres");
        List<String> allowed = allowedAs(roles.backup(), roles.backupPassword(), attempts);
        ReliabilityReport.record("PostgreSQL backup role: writes to the app's tables", attempts.size() + " statements", allowed.size() + " allowed", "n/a");
        assertEquals(List.of(), allowed, "statements the backup role must not be able to run");
    }

    /**
     * A real restore by backup-service: the backup role's dump loaded over the app's database in one transaction, by the
     * backup role itself. As itself it is refused (it has none of the owner's rights); taking the owner's role as the
     * session starts (libpq's {@code -c role=}, what BACKUP_RESTORE_ROLE does) it restores, the owner owns what it
     * recreates, and the app's role can use it as before (and still change no schema).
     */
    @Test
    void theBackupRoleRestoresOnlyAsTheOwnersRole() throws Exception {
        postgres.execute(DATABASE, "INSERT INTO users (username, password_hash, role, created_at) VALUES ('restored', 'x', 'USER', now())");
        // Only the owner's objects, as in a deployment: the owner could not drop another role's table.
        postgres.execute(DATABASE, "DROP TABLE private_notes");
        java.nio.file.Path dump = java.nio.file.Files.createTempFile("roles-dump", ".sql");
        List<String> restore = List.of("psql", "--no-psqlrc", "--no-password", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction",
                "--file=" + dump);
        Exit asItself;
        try {
            java.nio.file.Files.writeString(dump, run(List.of("pg_dump", "--no-password", "--clean", "--if-exists"), roles.backup(), roles.backupPassword()));
            postgres.execute(DATABASE, "DELETE FROM users WHERE username = 'restored'");
            asItself = attempt(restore, roles.backup(), roles.backupPassword(), Map.of());
            run(restore, roles.backup(), roles.backupPassword(), Map.of("PGOPTIONS", "-c role=" + roles.owner()));
        } finally {
            java.nio.file.Files.deleteIfExists(dump);
            postgres.execute(DATABASE, "CREATE TABLE private_notes (note text)", "INSERT INTO private_notes VALUES ('not the app''s')");
        }
        ReliabilityReport.record("PostgreSQL backup role: restore over the app's database without the owner's role", "1 restore",
                asItself.code() == 0 ? "1 allowed" : "0 allowed", "n/a");
        assertTrue(asItself.code() != 0 && asItself.output().contains("must be owner"), "the backup role as itself: " + asItself.output());
        try (Connection connection = connect(DATABASE, roles.app(), roles.appPassword()); Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM users WHERE username = 'restored'")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the restored row, read by the app's role");
            }
            assertEquals(1, statement.executeUpdate("UPDATE users SET password_hash = 'y' WHERE username = 'restored'"));
        }
        try (Connection connection = connect(DATABASE, roles.owner(), roles.ownerPassword()); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> current_user"
                     + " AND tablename <> 'private_notes'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the owner owns every restored table");
        }
        assertEquals(List.of(), allowedAs(roles.app(), roles.appPassword(), Map.of("DROP TABLE users", DATABASE, "TRUNCATE links", DATABASE)));
    }

    /** A restore into a new database: the backup role creates it for the owner, and drops it again only as the owner. */
    @Test
    void theBackupRoleCreatesARestoreDatabaseForTheOwnerAndDropsItAsTheOwner() throws SQLException {
        try (Connection connection = connect("postgres", roles.backup(), roles.backupPassword()); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE roles_restored OWNER " + roles.owner() + " TEMPLATE template0");
            SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> statement.execute("DROP DATABASE roles_restored"));
            assertEquals(INSUFFICIENT_PRIVILEGE, refused.getSQLState(), refused.getMessage());
            statement.execute("SET ROLE " + roles.owner());
            statement.execute("DROP DATABASE roles_restored WITH (FORCE)");
        }
    }

    @Test
    void theScriptRefusesAPasswordLeftAtItsPlaceholder() throws SQLException {
        DatabaseRoles placeholder = new DatabaseRoles("linkstack_placeholder", "ph_owner", "change-me-db-owner-password", "ph_app", "app-secret",
                "ph_backup", "backup-secret");
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> placeholder.createOn(postgres));
        assertTrue(refused.getMessage().contains("DB_OWNER_PASSWORD is still the placeholder"), refused.getMessage());
        try (Connection connection = connect("postgres", PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'ph\\_%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "no role was created");
        }
    }

    /** Runs each statement in its own rolled-back transaction; returns those that were not refused. */
    private static List<String> allowedAs(String user, String password, Map<String, String> statementsByDatabase) throws SQLException {
        List<String> allowed = new ArrayList<>();
        for (Map.Entry<String, String> attempt : statementsByDatabase.entrySet()) {
            try (Connection connection = connect(attempt.getValue(), user, password); Statement statement = connection.createStatement()) {
                // CREATE DATABASE cannot run in a transaction block: autocommit there (it is refused anyway, or counted).
                boolean transactional = !attempt.getKey().startsWith("CREATE DATABASE") && !attempt.getKey().startsWith("DROP DATABASE");
                connection.setAutoCommit(!transactional);
                try {
                    statement.execute(attempt.getKey());
                    allowed.add(attempt.getKey());
                } catch (SQLException refused) {
                    if (!INSUFFICIENT_PRIVILEGE.equals(refused.getSQLState())) {
                        allowed.add(attempt.getKey() + " (failed for another reason: " + refused.getMessage() + ")");
                    }
                } finally {
                    if (transactional) {
                        connection.rollback();
                    }
                }
            }
        }
        return allowed;
    }

    private static String firstColumn(String table) throws SQLException {
        try (Connection connection = connect(DATABASE, roles.owner(), roles.ownerPassword()); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '"
                     + table + "' ORDER BY ordinal_position LIMIT 1")) {
            assertTrue(rs.next(), table);
            return rs.getString(1);
        }
    }

    private static Connection connect(String database, String user, String password) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(database), user, password);
    }

    /** A PostgreSQL client program against the test server as {@code user}; its stdout, or a failure with its output. */
    private static String run(List<String> command, String user, String password) throws IOException, InterruptedException {
        return run(command, user, password, Map.of());
    }

    private static String run(List<String> command, String user, String password, Map<String, String> more) throws IOException, InterruptedException {
        Exit exit = attempt(command, user, password, more);
        assertEquals(0, exit.code(), command + " as " + user + ":\n" + exit.output());
        return exit.output();
    }

    /** Runs a client program (with {@code more} in its environment) and reports how it ended. */
    private static Exit attempt(List<String> command, String user, String password, Map<String, String> more) throws IOException, InterruptedException {
        List<String> withBin = new ArrayList<>(command);
        withBin.set(0, postgres.binDir() + "/" + command.get(0));
        ProcessBuilder builder = new ProcessBuilder(withBin).redirectErrorStream(true);
        builder.environment().remove("PGOPTIONS");
        builder.environment().putAll(Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(postgres.port()), "PGUSER", user,
                "PGPASSWORD", password, "PGDATABASE", DATABASE));
        builder.environment().putAll(more);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " finished");
        return new Exit(process.exitValue(), output);
    }

    private record Exit(int code, String output) {
    }
}
