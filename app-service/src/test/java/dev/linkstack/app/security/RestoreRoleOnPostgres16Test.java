package dev.linkstack.app.security;

import dev.linkstack.testing.DatabaseRoles;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.ReliabilityReport;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * init-roles.sh on PostgreSQL 16, the server the deployments run (DatabaseRolesTest covers the installed, older one):
 * there the backup role is granted the owner's role itself, {@code WITH INHERIT FALSE, SET TRUE}. Without taking it the
 * backup role cannot write the app's tables; taking it as the session starts (what BACKUP_RESTORE_ROLE does) it can.
 */
class RestoreRoleOnPostgres16Test {
    private static final String DATABASE = "linkstack_pg16";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private static PostgresServer postgres;
    private static DatabaseRoles roles;

    @BeforeAll
    static void deployTheRolesAndMigrate() {
        postgres = PostgresServer.bundled().start();
        roles = DatabaseRoles.named(DATABASE, "pg16").createOn(postgres);
        Flyway.configure().dataSource(postgres.jdbcUrl(DATABASE), roles.owner(), roles.ownerPassword())
                .locations("classpath:db/migration/postgresql").load().migrate();
        postgres.execute(DATABASE, "INSERT INTO users (username, password_hash, role, created_at) VALUES ('pg16', 'x', 'USER', now())");
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theGrantLetsTheBackupRoleTakeTheOwnersRoleButNotItsRights() throws SQLException {
        try (Connection connection = postgresConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT m.inherit_option, m.set_option, m.admin_option FROM pg_auth_members m"
                     + " WHERE m.roleid = '" + roles.owner() + "'::regrole AND m.member = '" + roles.backup() + "'::regrole")) {
            assertTrue(rs.next(), "the backup role is a member of the owner's role");
            assertFalse(rs.getBoolean(1), "INHERIT FALSE");
            assertTrue(rs.getBoolean(2), "SET TRUE");
            assertFalse(rs.getBoolean(3), "no ADMIN");
        }
        List<String> allowed = new ArrayList<>();
        for (String sql : List.of("DELETE FROM users", "UPDATE links SET code = code", "TRUNCATE users", "DROP TABLE links",
                "INSERT INTO users (username, password_hash, role, created_at) VALUES ('planted', 'x', 'ADMIN', now())")) {
            try (Connection connection = connect(DATABASE, roles.backup(), roles.backupPassword(), null); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                try {
                    statement.execute(sql);
                    allowed.add(sql);
                } catch (SQLException refused) {
                    if (!INSUFFICIENT_PRIVILEGE.equals(refused.getSQLState())) {
                        allowed.add(sql + " (failed for another reason: " + refused.getMessage() + ")");
                    }
                } finally {
                    connection.rollback();
                }
            }
        }
        ReliabilityReport.record("PostgreSQL 16 backup role: writes to the app's tables without the owner's role", "5 statements",
                allowed.size() + " allowed", "n/a");
        assertEquals(List.of(), allowed, "statements the backup role must not be able to run as itself");
    }

    @Test
    void asTheOwnersRoleTheBackupRoleReplacesTheOwnersTables() throws SQLException {
        try (Connection connection = connect(DATABASE, roles.backup(), roles.backupPassword(), "-c role=" + roles.owner());
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            try (ResultSet rs = statement.executeQuery("SELECT current_user, session_user")) {
                rs.next();
                assertEquals(roles.owner(), rs.getString(1));
                assertEquals(roles.backup(), rs.getString(2));
            }
            statement.execute("CREATE TABLE users_copy AS SELECT * FROM users");
            statement.execute("DROP TABLE users CASCADE");
            statement.execute("ALTER TABLE users_copy RENAME TO users");
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM users WHERE username = 'pg16'")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            connection.rollback();
        }
        try (Connection connection = connect("postgres", roles.backup(), roles.backupPassword(), null); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE pg16_restored OWNER " + roles.owner() + " TEMPLATE template0");
            statement.execute("SET ROLE " + roles.owner());
            statement.execute("DROP DATABASE pg16_restored WITH (FORCE)");
        }
    }

    @Test
    void noRoleInBetweenOnPostgres16() throws SQLException {
        try (Connection connection = postgresConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = '" + roles.backup() + "_restorer'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the grant options replace the NOINHERIT role older servers need");
        }
    }

    private static Connection postgresConnection() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl("postgres"), PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD);
    }

    private static Connection connect(String database, String user, String password, String options) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        if (options != null) {
            properties.setProperty("options", options);
        }
        return DriverManager.getConnection(postgres.jdbcUrl(database), properties);
    }
}
