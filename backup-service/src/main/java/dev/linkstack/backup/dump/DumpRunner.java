package dev.linkstack.backup.dump;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.files.DigestingOutputStream;
import dev.linkstack.backup.jobs.BackupJobs;
import dev.linkstack.backup.model.BackupFailedException;
import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.model.TableRows;
import dev.linkstack.backup.postgres.PostgresTools.ToolVersion;
import dev.linkstack.backup.postgres.PostgresTools;
import dev.linkstack.backup.postgres.TargetDatabase.ServerVersion;
import dev.linkstack.backup.postgres.TargetDatabase;
import dev.linkstack.backup.process.OutputTail;
import dev.linkstack.backup.store.BackupStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs pg_dump and turns its output into a backup: streamed through the compressor into a hidden partial file,
 * hashed on the way, then fsynced and published under its final name. Any failure removes the partial file and
 * leaves existing backups alone.
 */
@Singleton
public class DumpRunner {
    private static final Logger LOG = Logger.getLogger(DumpRunner.class);
    private static final int SIGNAL_EXIT_BASE = 128;

    private final BackupConfig config;
    private final PostgresTools tools;
    private final TargetDatabase target;
    private final BackupStore store;
    private final Clock clock;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pg_dump-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    @Inject
    public DumpRunner(BackupConfig config, PostgresTools tools, TargetDatabase target, BackupStore store, Clock clock) {
        this.config = config;
        this.tools = tools;
        this.target = target;
        this.store = store;
        this.clock = clock;
    }

    public BackupMetadata dump(String id, BackupFormat format, String trigger, Instant startedAt) throws BackupFailedException {
        return dump(target.name(), id, format, trigger, startedAt);
    }

    /** Dumps one database of the target server (several make up a run, see BackupJobs). */
    public BackupMetadata dump(String database, String id, BackupFormat format, String trigger, Instant startedAt) throws BackupFailedException {
        ServerVersion server = serverVersion();
        ToolVersion pgDump = clientFor(server);
        requireCompatible(pgDump, server);
        try {
            store.ensureWritable();
            store.removeLeftoverPartials(database).forEach(p -> LOG.infof("removed leftover partial file %s", p));
        } catch (IOException e) {
            throw new BackupFailedException("backup directory " + store.dir() + " is not writable: " + e.getMessage(), e);
        }

        Optional<String> recipient = config.encryption().recipient().filter(r -> !r.isBlank());
        if (recipient.isPresent()) {
            try {
                AgeEncryption.requireValidRecipient(recipient.get());
            } catch (IllegalArgumentException e) {
                throw new BackupFailedException(e.getMessage(), e);
            }
        }
        Path partial = store.partialFile(id, format, recipient.isPresent());
        Optional<DumpSnapshot> snapshot = DumpSnapshot.export(target, database);
        try {
            return dump(database, id, format, trigger, startedAt, pgDump, server, partial, snapshot.orElse(null), recipient);
        } finally {
            snapshot.ifPresent(DumpSnapshot::close);
        }
    }

    private BackupMetadata dump(String database, String id, BackupFormat format, String trigger, Instant startedAt, ToolVersion pgDump, ServerVersion server,
                                Path partial, DumpSnapshot snapshot, Optional<String> recipient) throws BackupFailedException {
        Process process = start(database, format, snapshot);
        running.add(process);
        // Counted while pg_dump streams, in the same snapshot on another core: the counts add no wall time.
        Duration countLimit = config.timeout();
        CompletableFuture<List<TableRows>> counting = snapshot == null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> snapshot.countRows(countLimit));
        OutputTail stderr = OutputTail.start(process.getErrorStream(), "pg_dump-stderr");
        AtomicBoolean timedOut = new AtomicBoolean();
        Duration timeout = config.timeout();
        ScheduledFuture<?> deadline = watchdog.schedule(() -> {
            timedOut.set(true);
            destroy(process);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            DigestingOutputStream written;
            try (OutputStream file = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 DigestingOutputStream digesting = new DigestingOutputStream(file);
                 // The checksum covers the file as stored: encrypted when a recipient is set.
                 OutputStream compressed = format.compressing(recipient.isPresent() ? AgeEncryption.encrypting(digesting, recipient.get()) : digesting);
                 InputStream dump = process.getInputStream()) {
                written = digesting;
                dump.transferTo(compressed);
                // Closing the compressor writes its trailer through the digest before the size is read.
                compressed.close();
            }
            int exit = awaitExit(process);
            if (timedOut.get()) {
                throw new BackupFailedException("pg_dump did not finish within " + timeout + " and was stopped" + stderrSuffix(stderr));
            }
            if (exit != 0) {
                throw new BackupFailedException("pg_dump failed (" + describeExit(exit) + ")" + stderrSuffix(stderr));
            }
            // Same snapshot as the dump, so these are exactly the rows in it.
            List<TableRows> tableRows = rowCounts(counting);
            Instant finishedAt = clock.instant();
            BackupMetadata metadata = new BackupMetadata(id, BackupMetadata.SUCCEEDED, database, target.host(), target.port(), format,
                    store.dumpFile(id, format, recipient.isPresent()).getFileName().toString(), written.count(), written.sha256Hex(), startedAt, finishedAt,
                    Duration.between(startedAt, finishedAt).toMillis(), pgDump.text(), server.text(), trigger, tableRows,
                    recipient.isPresent() ? AgeEncryption.SCHEME : null, null);
            store.publish(partial, metadata);
            return metadata;
        } catch (IOException e) {
            String reason = timedOut.get() ? "pg_dump did not finish within " + timeout + " and was stopped" : "writing the dump failed: " + e.getMessage();
            throw new BackupFailedException(reason + stderrSuffix(stderr), e);
        } finally {
            deadline.cancel(false);
            if (process.isAlive()) {
                destroy(process);
            }
            running.remove(process);
            deleteQuietly(partial);
        }
    }

    /** Stops running dumps when the service shuts down; their jobs fail and their partial files are removed. */
    @PreDestroy
    void stopAll() {
        running.forEach(DumpRunner::destroy);
        watchdog.shutdownNow();
    }

    /** The installed pg_dump matching the server's major version (checked on every run: servers get upgraded). */
    private ToolVersion clientFor(ServerVersion server) throws BackupFailedException {
        try {
            return tools.selectFor(server.major());
        } catch (PostgresTools.ToolException e) {
            throw new BackupFailedException(e.getMessage(), e);
        }
    }

    private ServerVersion serverVersion() throws BackupFailedException {
        try {
            return target.serverVersion();
        } catch (SQLException e) {
            throw new BackupFailedException("database " + target.name() + " on " + target.host() + ":" + target.port() + " is unreachable: " + e.getMessage(), e);
        }
    }

    /** pg_dump refuses newer servers with a cryptic message; say it plainly before starting. */
    static void requireCompatible(ToolVersion pgDump, ServerVersion server) throws BackupFailedException {
        if (pgDump.major() < server.major()) {
            throw new BackupFailedException("pg_dump " + pgDump.major() + " is older than the server (PostgreSQL " + server.major()
                    + "): install the PostgreSQL " + server.major() + " client (or newer) or point BACKUP_PG_BIN_DIR at it");
        }
    }

    /** The counts taken beside the dump, or null (counting is best effort and never fails a backup). */
    private static List<TableRows> rowCounts(CompletableFuture<List<TableRows>> counting) {
        try {
            return counting.join();
        } catch (RuntimeException e) {
            LOG.warnf("row counts for the backup could not be taken: %s", e.getMessage());
            return null;
        }
    }

    private Process start(String database, BackupFormat format, DumpSnapshot snapshot) throws BackupFailedException {
        List<String> arguments = new ArrayList<>(List.of("--format=" + format.pgDumpFormat(), "--no-password"));
        if (snapshot != null) {
            arguments.add("--snapshot=" + snapshot.id());
        }
        if (format.isPlainSql()) {
            // Lets a plain dump be restored over an existing database inside one transaction.
            arguments.addAll(List.of("--clean", "--if-exists"));
        }
        ProcessBuilder builder = tools.command("pg_dump", database, arguments);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new BackupFailedException("cannot start pg_dump (" + builder.command().get(0) + "): " + e.getMessage(), e);
        }
    }

    private static int awaitExit(Process process) throws BackupFailedException {
        try {
            // stdout is closed, so pg_dump is finishing; a short wait is enough.
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                destroy(process);
                process.waitFor(10, TimeUnit.SECONDS);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroy(process);
            throw new BackupFailedException("interrupted while waiting for pg_dump (service shutting down)", e);
        } catch (IllegalThreadStateException e) {
            throw new BackupFailedException("pg_dump did not exit", e);
        }
    }

    static String describeExit(int exit) {
        if (exit > SIGNAL_EXIT_BASE && exit < SIGNAL_EXIT_BASE + 64) {
            return "killed by signal " + (exit - SIGNAL_EXIT_BASE);
        }
        return "exit code " + exit;
    }

    private static String stderrSuffix(OutputTail stderr) {
        String text = stderr.text();
        return text.isEmpty() ? "" : ": " + text;
    }

    private static void destroy(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("cannot remove partial file %s: %s", file, e.getMessage());
        }
    }
}
