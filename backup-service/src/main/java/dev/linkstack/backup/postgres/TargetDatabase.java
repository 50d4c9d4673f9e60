package dev.linkstack.backup.postgres;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.model.TableRows;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** The PostgreSQL server being backed up, seen through JDBC. */
@Singleton
public class TargetDatabase {
    private final AgroalDataSource dataSource;
    private final BackupConfig config;

    @Inject
    public TargetDatabase(AgroalDataSource dataSource, BackupConfig config) {
        this.dataSource = dataSource;
        this.config = config;
        // pgjdbc reads a libpq password file from this property when no password is given.
        config.db().passfile().ifPresent(file -> System.setProperty("org.postgresql.pgpassfile", file.toString()));
    }

    public String name() {
        return config.db().name();
    }

    public String host() {
        return config.db().host();
    }

    public int port() {
        return config.db().port();
    }

    /** A pooled connection to the configured database. */
    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    public ServerVersion serverVersion() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
            rs.next();
            return new ServerVersion(rs.getInt(1) / 10000, rs.getString(2));
        }
    }

    /** A server setting as the connecting role sees it; empty when the server has no such setting (an older major). */
    public Optional<String> setting(String name) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             java.sql.PreparedStatement statement = connection.prepareStatement("SELECT current_setting(?, true)")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return Optional.ofNullable(rs.getString(1));
            }
        }
    }

    public boolean exists(String database) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, database);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** An empty database from template0, as PostgreSQL recommends for restoring a dump. */
    public void create(String database) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DatabaseName.quoted(database) + " TEMPLATE template0");
        }
    }

    /**
     * An empty database for a real restore, owned by the restore role when one is set: the owner of what the dump
     * recreates must be able to replace the schema it finds there.
     */
    public void createForRestore(String database) throws SQLException {
        String owner = config.restore().role().map(role -> " OWNER " + DatabaseName.quoted(role)).orElse("");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DatabaseName.quoted(database) + owner + " TEMPLATE template0");
        }
    }

    /** Drops a database made by {@link #createForRestore}: as the restore role, its owner (on its own connection, not the pool's). */
    public void dropAfterRestore(String database) throws SQLException {
        java.util.Optional<String> role = config.restore().role();
        if (role.isEmpty()) {
            drop(database);
            return;
        }
        try (Connection connection = connect(name()); Statement statement = connection.createStatement()) {
            statement.execute("SET ROLE " + DatabaseName.quoted(role.get()));
            statement.execute("DROP DATABASE IF EXISTS " + DatabaseName.quoted(database) + " WITH (FORCE)");
        }
    }

    /** Drops a database, ending sessions still connected to it. */
    public void drop(String database) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DatabaseName.quoted(database) + " WITH (FORCE)");
        }
    }

    /** Exact row counts of every user table in a database, ordered by schema and name. */
    public List<TableRows> countRows(String database) throws SQLException {
        try (Connection connection = connect(database)) {
            return countRows(connection);
        }
    }

    /** Exact row counts of every user table seen by this connection (and its transaction's snapshot). */
    public static List<TableRows> countRows(Connection connection) throws SQLException {
        List<TableRows> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            List<String[]> names = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT table_schema, table_name FROM information_schema.tables"
                    + " WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"
                    + " ORDER BY table_schema, table_name")) {
                while (rs.next()) {
                    names.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] name : names) {
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + DatabaseName.quoted(name[0]) + "." + DatabaseName.quoted(name[1]))) {
                    rs.next();
                    tables.add(new TableRows(name[0], name[1], rs.getLong(1)));
                }
            }
        }
        return tables;
    }

    /**
     * Reads every sequence and selects from every view and materialized view, so an object that restored but cannot
     * be used (a view on a missing function, a broken sequence) shows up. Returns how many objects were read.
     */
    public static int touchObjects(Connection connection) throws SQLException {
        List<String[]> objects = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                     + " WHERE c.relkind IN ('S', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
                     + " ORDER BY 1, 2")) {
            while (rs.next()) {
                objects.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        try (Statement statement = connection.createStatement()) {
            for (String[] object : objects) {
                String name = DatabaseName.quoted(object[0]) + "." + DatabaseName.quoted(object[1]);
                String sql = object[2].equals("S") ? "SELECT last_value FROM " + name : "SELECT * FROM " + name + " LIMIT 1";
                try (ResultSet rs = statement.executeQuery(sql)) {
                    rs.next();
                } catch (SQLException e) {
                    throw new SQLException("cannot read " + name + ": " + e.getMessage(), e.getSQLState(), e);
                }
            }
        }
        return objects.size();
    }

    /** A direct, unpooled connection to another database on the same server (scratch and restore targets). */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", config.db().user());
        config.db().password().filter(p -> !p.isEmpty()).ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("ApplicationName", PostgresTools.APPLICATION_NAME);
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port() + "/" + DatabaseName.inJdbcUrl(database), properties);
    }

    public record ServerVersion(int major, String text) {
    }
}
