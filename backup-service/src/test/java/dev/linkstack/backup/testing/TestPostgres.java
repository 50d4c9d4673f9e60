package dev.linkstack.backup.testing;

import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real PostgreSQL server with the "shop" database owned by a non-superuser role, as an operator would set it up,
 * plus helpers to load SQL and to snapshot a database's schema and contents for comparisons.
 */
public final class TestPostgres implements AutoCloseable {
    public static final String DATABASE = "shop";
    public static final String OWNER = "shop_owner";
    public static final String OWNER_PASSWORD = "shop-secret";

    private final PostgresServer server;
    private final Path backupDir;

    private TestPostgres(PostgresServer server, Path backupDir) {
        this.server = server;
        this.backupDir = backupDir;
    }

    /** Debian's PostgreSQL 15: server and pg_dump of the same major version. */
    public static TestPostgres startInstalled() {
        return start(PostgresServer.installed());
    }

    public static TestPostgres start(PostgresServer server) {
        server.start();
        server.createDatabase(DATABASE, OWNER, OWNER_PASSWORD);
        // Verify and restore create databases; the backup role needs CREATEDB, not superuser.
        server.execute("postgres", "ALTER ROLE " + OWNER + " CREATEDB");
        TestPostgres postgres = new TestPostgres(server, Processes.openTempDir("backups-"));
        try (InputStream fixture = TestPostgres.class.getResourceAsStream("/fixture.sql")) {
            postgres.psql(DATABASE, new String(fixture.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return postgres;
    }

    public PostgresServer server() {
        return server;
    }

    public Path backupDir() {
        return backupDir;
    }

    /** PostgreSQL 15 client programs, whatever server runs. */
    public static String clientBinDir() {
        return "/usr/lib/postgresql/15/bin";
    }

    public Map<String, String> config() {
        return Map.of(
                "backup.db.host", "127.0.0.1",
                "backup.db.port", String.valueOf(server.port()),
                "backup.db.name", DATABASE,
                "backup.db.user", OWNER,
                "backup.db.password", OWNER_PASSWORD,
                "backup.dir", backupDir.toString(),
                "backup.pg-bin-dir", clientBinDir());
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(database), OWNER, OWNER_PASSWORD);
    }

    public Connection connectAsSuperuser(String database) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(database), PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD);
    }

    /** Runs SQL through the real psql as the database owner; fails on the first error. */
    public String psql(String database, String sql) {
        return run(List.of(clientBinDir() + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database, "-f", "-"), sql);
    }

    /**
     * Schema (pg_dump --schema-only), every table's rows in a total order, and sequence positions: two databases
     * with equal snapshots hold the same data.
     */
    public String snapshot(String database) throws SQLException {
        StringBuilder snapshot = new StringBuilder();
        String schema = run(List.of(clientBinDir() + "/pg_dump", "--schema-only", "-d", database), "");
        // psql 15.14+ writes a random \restrict key into every plain dump.
        snapshot.append(schema.lines().filter(line -> !line.startsWith("\\restrict") && !line.startsWith("\\unrestrict"))
                .collect(Collectors.joining("\n")));
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables"
                    + " WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                snapshot.append("\n-- rows of ").append(table).append('\n');
                // Ordering by the whole row's text gives a total order whatever the columns are.
                try (ResultSet rs = statement.executeQuery("SELECT r.* FROM " + table + " r ORDER BY r::text COLLATE \"C\"")) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            snapshot.append(i > 1 ? " | " : "").append(rs.getString(i));
                        }
                        snapshot.append('\n');
                    }
                }
            }
            try (ResultSet rs = statement.executeQuery("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences ORDER BY 1")) {
                while (rs.next()) {
                    snapshot.append("-- sequence ").append(rs.getString(1)).append(" = ").append(rs.getString(2)).append('\n');
                }
            }
        }
        return snapshot.toString();
    }

    public boolean databaseExists(String database) throws SQLException {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + database.replace("'", "''") + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    private String run(List<String> command, String stdin) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("PGHOST", "127.0.0.1");
            builder.environment().put("PGPORT", String.valueOf(server.port()));
            builder.environment().put("PGUSER", OWNER);
            builder.environment().put("PGPASSWORD", OWNER_PASSWORD);
            Process process = builder.start();
            Thread writer = new Thread(() -> {
                try (var in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process ended early; its exit code reports why
                }
            });
            writer.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
            writer.join();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            Processes.deleteRecursively(backupDir);
        }
    }

    /** Files directly in the backup directory, sorted, hidden ones included. */
    public List<String> backupDirListing() {
        try (var files = Files.list(backupDir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
