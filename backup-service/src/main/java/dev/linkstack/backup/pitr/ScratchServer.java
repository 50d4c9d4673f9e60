package dev.linkstack.backup.pitr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkstack.backup.files.StoreJson;
import dev.linkstack.backup.postgres.PgClients;
import dev.linkstack.backup.process.ExternalCommand;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL server the service runs on a restored data directory for a restore proof: no TCP listener, its unix
 * socket in the proof's own 0700 directory (trust there, so nothing but the service's user and root reach it),
 * archiving, streaming and hot standby off, so it never touches the real archive or primary and only answers once
 * recovery has ended. Started as {@code runAs} when the service is root. Closing it stops it (fast shutdown, then
 * SIGKILL) and waits until no process of it is left.
 */
final class ScratchServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ScratchServer.class);
    static final int PORT = 5432;
    private static final int MAX_SOCKET_PATH = 107;
    private static final int LOG_LINES = 200;
    private static final Duration PSQL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)");
    private static final Pattern NOTEWORTHY = Pattern.compile(".*(recovery stopping|redo done|last completed transaction|selected new timeline"
            + "|consistent recovery state|archive recovery complete|FATAL|PANIC).*");

    private final Path home;
    private final Path data;
    private final Path bin;
    private final Optional<String> runAs;
    private final Deque<String> log = new ArrayDeque<>();
    private final List<String> noteworthy = new ArrayList<>();
    private ExternalCommand.Running running;
    private boolean stopped;

    /** What recovery reached: the last WAL record replayed and the commit time of the last transaction in it. */
    record Reached(String lsn, Instant lastTransactionAt) {
    }

    private ScratchServer(Path home, Path data, Path bin, Optional<String> runAs) {
        this.home = home;
        this.data = data;
        this.bin = bin;
        this.runAs = runAs;
    }

    /** The directory holding a {@code postgres} of this major version, looked for where the client programs are. */
    static Path binDirFor(PgClients clients, int major) throws IOException {
        List<String> seen = new ArrayList<>();
        for (Path dir : clients.searchedDirs()) {
            Path postgres = dir.resolve("postgres");
            if (!Files.isExecutable(postgres)) {
                continue;
            }
            ExternalCommand version = ExternalCommand.of("postgres --version", new ProcessBuilder(postgres.toString(), "--version"))
                    .timeout(Duration.ofSeconds(30)).mergedOutputLines(5, line -> { });
            try (ExternalCommand.Running asked = version.start()) {
                Matcher m = VERSION.matcher(asked.await().output());
                if (m.find()) {
                    if (Integer.parseInt(m.group(1)) == major) {
                        return dir;
                    }
                    seen.add(m.group(1) + " (" + dir + ")");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while looking for the PostgreSQL server", e);
            }
        }
        throw new IOException("no PostgreSQL " + major + " server (postgres) among " + (seen.isEmpty() ? "the client directories" : String.join(", ", seen))
                + ": install the PostgreSQL " + major + " server package next to the client, or point BACKUP_PG_BIN_DIR at it");
    }

    /**
     * Makes a restored data directory startable here: its own pg_hba.conf (trust on the socket only), empty
     * postgresql.conf and pg_ident.conf where the backup had none (configuration kept outside the data directory),
     * mode 0700, and everything handed to {@code runAs}.
     */
    static ScratchServer prepare(Path home, Path data, Path bin, Optional<String> runAs) throws IOException, InterruptedException {
        Path socket = home.resolve(".s.PGSQL." + PORT);
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new IOException("the scratch directory's path is too long for a unix socket (" + socket
                    + "): set BACKUP_PITR_PROOF_SCRATCH_DIR to a shorter one");
        }
        Files.writeString(data.resolve("pg_hba.conf"), "# restore proof: the unix socket in a private directory only\nlocal all all trust\n");
        for (String conf : List.of("postgresql.conf", "pg_ident.conf")) {
            if (!Files.exists(data.resolve(conf))) {
                Files.writeString(data.resolve(conf), "");
            }
        }
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        if (runAs.isPresent()) {
            run(ExternalCommand.of("chown", new ProcessBuilder("chown", "-R", runAs.get(), home.toString())));
        }
        return new ScratchServer(home, data, bin, runAs);
    }

    void start() throws IOException {
        List<String> command = new ArrayList<>(asServerUser(List.of(bin.resolve("postgres").toString(), "-D", data.toString())));
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("listen_addresses", "");
        settings.put("port", String.valueOf(PORT));
        settings.put("unix_socket_directories", home.toString());
        settings.put("hba_file", data.resolve("pg_hba.conf").toString());
        settings.put("ident_file", data.resolve("pg_ident.conf").toString());
        settings.put("external_pid_file", "");
        // Never archive to or stream from the real installation; no hot standby (it would need the primary's
        // max_connections and friends): the server answers once recovery has ended.
        settings.put("archive_mode", "off");
        settings.put("primary_conninfo", "");
        settings.put("primary_slot_name", "");
        settings.put("hot_standby", "off");
        settings.put("synchronous_standby_names", "");
        settings.put("ssl", "off");
        settings.put("logging_collector", "off");
        settings.put("log_destination", "stderr");
        // A throwaway copy: no fsync, and modest memory whatever the production server was given.
        settings.put("fsync", "off");
        settings.put("shared_buffers", "128MB");
        settings.put("max_connections", "20");
        settings.forEach((name, value) -> {
            command.add("-c");
            command.add(name + "=" + value);
        });
        ProcessBuilder builder = new ProcessBuilder(command).directory(data.toFile());
        running = ExternalCommand.of("postgres", builder).mergedOutputLines(20, this::logged).start();
        LOG.infof("restore proof: PostgreSQL started on %s", data);
    }

    private synchronized void logged(String line) {
        LOG.debugf("[postgres] %s", line);
        log.addLast(line);
        if (log.size() > LOG_LINES) {
            log.removeFirst();
        }
        if (NOTEWORTHY.matcher(line).matches() && noteworthy.size() < 50) {
            noteworthy.add(line.strip());
        }
    }

    /** Recovery's own account (where it stopped, the new timeline) and any FATAL or PANIC line. */
    synchronized List<String> noteworthyLog() {
        return List.copyOf(noteworthy);
    }

    private synchronized String lastLines(int count) {
        List<String> lines = new ArrayList<>(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    boolean alive() {
        return running != null && ProcessHandle.of(running.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Waits until the server accepts connections and is out of recovery (the target reached and promoted); fails when
     * the server stops first (e.g. recovery ended before its target) or the time limit passes.
     */
    Reached awaitRecovery(Duration timeout, String database, String user) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "";
        while (true) {
            if (!alive()) {
                throw new IOException("PostgreSQL stopped before recovery reached the target: " + failureLines());
            }
            try {
                JsonNode state = StoreJson.MAPPER.readTree(query(database, user, "SELECT json_build_object('inRecovery', pg_is_in_recovery(),"
                        + " 'lsn', pg_last_wal_replay_lsn()::text, 'at', pg_last_xact_replay_timestamp())"));
                if (!state.path("inRecovery").asBoolean(true)) {
                    String at = state.path("at").asText(null);
                    return new Reached(state.path("lsn").asText(null), at == null || state.path("at").isNull() ? null : OffsetDateTime.parse(at).toInstant());
                }
            } catch (IOException notYet) {
                lastProblem = notYet.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("recovery did not reach the target within " + timeout + " (" + lastProblem + "); last log lines: " + lastLines(5));
            }
            Thread.sleep(500);
        }
    }

    private String failureLines() {
        List<String> fatal = noteworthyLog().stream().filter(l -> l.contains("FATAL") || l.contains("PANIC")).toList();
        return fatal.isEmpty() ? lastLines(5) : String.join("; ", fatal);
    }

    /** Runs one statement with psql on the socket (read-only transaction) and returns its output, unaligned, without headers. */
    String query(String database, String user, String sql) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(psql(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql);
        Map<String, String> env = builder.environment();
        for (String name : List.of("PGSERVICE", "PGSERVICEFILE", "PGPASSWORD", "PGPASSFILE", "PGSSLMODE", "PGHOSTADDR")) {
            env.remove(name);
        }
        env.put("PGHOST", home.toString());
        env.put("PGPORT", String.valueOf(PORT));
        env.put("PGUSER", user);
        env.put("PGDATABASE", database);
        env.put("PGCONNECT_TIMEOUT", "5");
        env.put("PGOPTIONS", "-c default_transaction_read_only=on");
        ExternalCommand psql = ExternalCommand.of("psql", builder).timeout(PSQL_TIMEOUT).mergedOutputLines(50, line -> { });
        try (ExternalCommand.Running queried = psql.start()) {
            ExternalCommand.Exit exit = queried.await();
            if (!exit.ok()) {
                throw new IOException(exit.timedOut() ? exit.timeoutMessage() : "psql " + exit.describeCode() + exit.outputSuffix());
            }
            return exit.output();
        }
    }

    private String psql() {
        Path beside = bin.resolve("psql");
        return Files.isExecutable(beside) ? beside.toString() : "psql";
    }

    /** Fast shutdown (SIGINT to the postmaster), then SIGKILL to what is left; waits for every process of it to end. */
    @Override
    public void close() {
        if (running == null) {
            stopped = true;
            return;
        }
        ProcessHandle root = ProcessHandle.of(running.pid()).orElse(null);
        List<ProcessHandle> all = new ArrayList<>();
        if (root != null) {
            all.add(root);
            all.addAll(root.descendants().toList());
        }
        // Under runuser the postmaster is its child; runuser only passes SIGTERM on (a smart shutdown).
        ProcessHandle postmaster = runAs.isPresent() && root != null ? root.children().findFirst().orElse(root) : root;
        try {
            if (postmaster != null && postmaster.isAlive()) {
                try {
                    run(ExternalCommand.of("kill", new ProcessBuilder("kill", "-INT", String.valueOf(postmaster.pid()))));
                    postmaster.onExit().get(STOP_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    LOG.warnf("restore proof: PostgreSQL on %s did not stop within %s, killing it: %s", data, STOP_GRACE, e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.kill();
            all.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle process : all) {
                try {
                    process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warnf("restore proof: process %d of the scratch server is still there: %s", process.pid(), e.getMessage());
                }
            }
            running.close();
            running = null;
            stopped = all.stream().noneMatch(ProcessHandle::isAlive);
        }
    }

    /** True once closed with no process of the server left running. */
    boolean stopped() {
        return stopped;
    }

    private List<String> asServerUser(List<String> command) {
        if (runAs.isEmpty()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", runAs.get(), "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void run(ExternalCommand command) throws IOException, InterruptedException {
        try (ExternalCommand.Running started = command.timeout(Duration.ofMinutes(10)).mergedOutputLines(10, line -> { }).start()) {
            ExternalCommand.Exit exit = started.await();
            if (!exit.ok()) {
                throw new IOException(exit.name() + " failed (" + exit.describeCode() + ")" + exit.outputSuffix());
            }
        }
    }
}
