package dev.linkstack.backup.dump;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.model.BackupFailedException;
import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.model.TableRows;
import dev.linkstack.backup.postgres.PostgresTools.ToolVersion;
import dev.linkstack.backup.postgres.PostgresTools;
import dev.linkstack.backup.postgres.TargetDatabase.ServerVersion;
import dev.linkstack.backup.postgres.TargetDatabase;
import dev.linkstack.backup.process.ExternalCommand;
import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.backup.store.RunStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs pg_dump (one database) and pg_dumpall (roles and tablespaces) the same way: the output streams through the
 * sink chain into a hidden partial file under the configured time limit, then is fsynced and published under its
 * final name. Any failure removes the partial file and leaves existing backups alone.
 */
@Singleton
public class DumpRunner {
    private static final Logger LOG = Logger.getLogger(DumpRunner.class);
    private static final String GLOBALS = "pg_dumpall --globals-only";

    private final BackupConfig config;
    private final PostgresTools tools;
    private final TargetDatabase target;
    private final BackupStore store;
    private final RunStore runs;
    private final Clock clock;

    @Inject
    public DumpRunner(BackupConfig config, PostgresTools tools, TargetDatabase target, BackupStore store, RunStore runs, Clock clock) {
        this.config = config;
        this.tools = tools;
        this.target = target;
        this.store = store;
        this.runs = runs;
        this.clock = clock;
    }

    /** Dumps one database of the target server into a listed backup. */
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
        Optional<String> recipient = recipient();
        Path partial = store.partialFile(id, format, recipient.isPresent());
        Optional<DumpSnapshot> snapshot = DumpSnapshot.export(target, database);
        try {
            // Counted while pg_dump streams, in the same snapshot on another core: the counts add no wall time.
            CompletableFuture<List<TableRows>> counting = snapshot.isEmpty() ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.supplyAsync(() -> snapshot.get().countRows(config.timeout()));
            DumpSink.Written written = stream("pg_dump", pgDumpCommand(database, format, snapshot), partial, format, recipient);
            // Same snapshot as the dump, so these are exactly the rows in it.
            List<TableRows> tableRows = rowCounts(counting);
            Instant finishedAt = clock.instant();
            BackupMetadata metadata = new BackupMetadata(id, BackupMetadata.SUCCEEDED, database, target.host(), target.port(), format,
                    store.dumpFile(id, format, recipient.isPresent()).getFileName().toString(), written.sizeBytes(), written.sha256(), startedAt,
                    finishedAt, Duration.between(startedAt, finishedAt).toMillis(), pgDump.text(), server.text(), trigger, tableRows,
                    recipient.isPresent() ? AgeEncryption.SCHEME : null, null);
            try {
                store.publish(partial, metadata);
            } catch (IOException e) {
                throw new BackupFailedException("writing the dump failed: " + e.getMessage(), e);
            }
            return metadata;
        } finally {
            snapshot.ifPresent(DumpSnapshot::close);
            AtomicFiles.deleteQuietly(partial);
        }
    }

    /** The server's roles and tablespaces (without passwords unless {@code withPasswords}) into the run's globals file. */
    public Globals dumpGlobals(String runId, boolean withPasswords) throws BackupFailedException {
        Optional<String> recipient = recipient();
        Path file = runs.globalsFile(runId, BackupFormat.GZIP.extension() + (recipient.isPresent() ? AgeEncryption.EXTENSION : ""));
        Path partial = AtomicFiles.partialOf(file);
        List<String> arguments = new ArrayList<>(List.of("--globals-only", "--no-password", "--database=" + target.name()));
        if (!withPasswords) {
            arguments.add("--no-role-passwords");
        }
        try {
            Files.createDirectories(runs.dir());
            DumpSink.Written written = stream(GLOBALS, tools.command("pg_dumpall", target.name(), arguments), partial, BackupFormat.GZIP, recipient);
            AtomicFiles.publish(partial, file);
            return new Globals(file, written.sha256());
        } catch (IOException e) {
            throw new BackupFailedException("dumping roles and tablespaces failed: " + e.getMessage(), e);
        } finally {
            AtomicFiles.deleteQuietly(partial);
        }
    }

    /** A published globals file and its checksum. */
    public record Globals(Path file, String sha256) {
    }

    /** Starts the program and copies its output into a new partial file, under the configured time limit. */
    private DumpSink.Written stream(String name, ProcessBuilder builder, Path partial, BackupFormat format, Optional<String> recipient)
            throws BackupFailedException {
        ExternalCommand command = ExternalCommand.of(name, builder).timeout(config.timeout());
        ExternalCommand.Running running;
        try {
            running = command.start();
        } catch (IOException e) {
            throw new BackupFailedException("cannot start " + name + " (" + command.executable() + "): " + e.getMessage(), e);
        }
        try (running) {
            DumpSink.Written written;
            try (DumpSink sink = DumpSink.create(partial, format, recipient); InputStream output = running.stdout()) {
                output.transferTo(sink.input());
                written = sink.finish();
            } catch (IOException e) {
                boolean timedOut = running.timedOut();
                running.kill();
                ExternalCommand.Exit exit = running.await();
                throw new BackupFailedException((timedOut ? exit.timeoutMessage() : "writing the dump failed: " + e.getMessage()) + exit.outputSuffix(), e);
            }
            ExternalCommand.Exit exit = running.await();
            if (exit.timedOut()) {
                throw new BackupFailedException(exit.timeoutMessage() + exit.outputSuffix());
            }
            if (exit.code() != 0) {
                throw new BackupFailedException(name + " failed (" + exit.describeCode() + ")" + exit.outputSuffix());
            }
            return written;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupFailedException("interrupted while waiting for " + name + " (service shutting down)", e);
        }
    }

    /** Stops running dumps when the service shuts down; their jobs fail and their partial files are removed. */
    @PreDestroy
    void stopAll() {
        ExternalCommand.stopAll();
    }

    private ProcessBuilder pgDumpCommand(String database, BackupFormat format, Optional<DumpSnapshot> snapshot) {
        List<String> arguments = new ArrayList<>(List.of("--format=" + format.pgDumpFormat(), "--no-password"));
        snapshot.ifPresent(s -> arguments.add("--snapshot=" + s.id()));
        if (format.isPlainSql()) {
            // Lets a plain dump be restored over an existing database inside one transaction.
            arguments.addAll(List.of("--clean", "--if-exists"));
        }
        return tools.command("pg_dump", database, arguments);
    }

    private Optional<String> recipient() throws BackupFailedException {
        Optional<String> recipient = config.encryption().recipient().filter(r -> !r.isBlank());
        if (recipient.isPresent()) {
            try {
                AgeEncryption.requireValidRecipient(recipient.get());
            } catch (IllegalArgumentException e) {
                throw new BackupFailedException(e.getMessage(), e);
            }
        }
        return recipient;
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
}
