package dev.linkstack.backup.pitr;

import dev.linkstack.backup.testing.TestPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Background TPC-B-like load from PostgreSQL's own pgbench, a client connecting over TCP as the test database's owner:
 * {@code pgbench -i -s 1} once, then a run of {@code clients} connections until {@link #close()} (or the server dies).
 * pgbench cannot tell which of its commits were acknowledged; it is load, not a measure of loss.
 */
final class PgbenchLoad implements AutoCloseable {
    private static final String PGBENCH = TestPostgres.clientBinDir() + "/pgbench";
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
    private static final Pattern PROGRESS_TPS = Pattern.compile("progress: [0-9.]+ s, ([0-9.]+) tps");

    private final Process process;
    private final Path output;
    private final int clients;
    private volatile String finalLog;

    private PgbenchLoad(Process process, Path output, int clients) {
        this.process = process;
        this.output = output;
        this.clients = clients;
    }

    /** Creates pgbench's tables (scale 1) in the test database. */
    static void initialize(TestPostgres postgres) {
        try {
            Path output = Files.createTempFile("pgbench-init-", ".log");
            try {
                Process init = command(postgres, "-i", "-s", "1", "-q").redirectErrorStream(true).redirectOutput(output.toFile()).start();
                if (!init.waitFor(180, TimeUnit.SECONDS) || init.exitValue() != 0) {
                    init.destroyForcibly();
                    throw new IllegalStateException("pgbench -i failed: " + Files.readString(output));
                }
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run pgbench", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts {@code clients} connections running the default script for at most {@code limit}. */
    static PgbenchLoad start(TestPostgres postgres, int clients, Duration limit) {
        try {
            Path output = Files.createTempFile("pgbench-", ".log");
            ProcessBuilder builder = command(postgres, "-n", "-c", String.valueOf(clients), "-j", "2", "-P", "1",
                    "-T", String.valueOf(limit.toSeconds()));
            Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
            return new PgbenchLoad(process, output, clients);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start pgbench", e);
        }
    }

    private static ProcessBuilder command(TestPostgres postgres, String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of(PGBENCH, "-h", "127.0.0.1", "-p", String.valueOf(postgres.server().port()),
                "-U", TestPostgres.OWNER));
        command.addAll(List.of(arguments));
        command.add(TestPostgres.DATABASE);
        // stdin from /dev/null: never a password prompt that waits forever.
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("PGPASSWORD", TestPostgres.OWNER_PASSWORD);
        return builder;
    }

    int clients() {
        return clients;
    }

    boolean running() {
        return process.isAlive();
    }

    /**
     * Transactions per second pgbench reported: its summary's, or (a run cut short by the server's death may end
     * without one) the mean of its per-second progress lines; empty when it reported neither.
     */
    OptionalDouble tps() {
        String text = log();
        Matcher summary = TPS.matcher(text);
        if (summary.find()) {
            return OptionalDouble.of(Double.parseDouble(summary.group(1)));
        }
        return PROGRESS_TPS.matcher(text).results().mapToDouble(m -> Double.parseDouble(m.group(1))).average();
    }

    /** What pgbench printed so far (all of it once closed). */
    String log() {
        if (finalLog != null) {
            return finalLog;
        }
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "";
        }
    }

    /** Ends pgbench if it still runs (SIGTERM, then SIGKILL), whatever state the test is in; keeps what it printed. */
    @Override
    public void close() {
        if (finalLog != null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        String printed = log();
        try {
            Files.deleteIfExists(output);
        } catch (IOException ignored) {
            // a temp file
        }
        finalLog = printed;
    }
}
