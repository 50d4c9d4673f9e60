package dev.linkstack.backup.restore;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.encryption.BackupSignatures;
import dev.linkstack.backup.files.Checksums;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.model.TableRows;
import dev.linkstack.backup.postgres.DatabaseName;
import dev.linkstack.backup.postgres.PostgresTools;
import dev.linkstack.backup.postgres.TargetDatabase;
import dev.linkstack.backup.process.ExternalCommand;
import dev.linkstack.backup.store.BackupStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Loads backups into databases on the target server. Every load runs in a single transaction and stops at the first
 * error, so a failed restore leaves the database exactly as it was.
 */
@Singleton
public class RestoreService {
    private static final Logger LOG = Logger.getLogger(RestoreService.class);
    private static final String SCRATCH_PREFIX = "backup_verify_";

    private final BackupStore store;
    private final PostgresTools tools;
    private final TargetDatabase target;
    private final Duration timeout;
    private final BackupSignatures signatures;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public RestoreService(BackupStore store, PostgresTools tools, TargetDatabase target, BackupConfig config, BackupSignatures signatures) {
        this.signatures = signatures;
        this.store = store;
        this.tools = tools;
        this.target = target;
        this.timeout = config.timeout();
    }

    /** Only the checksum of the file as stored (for encrypted backups when no private key is at hand). */
    public VerifyReport checksumOnly(BackupMetadata backup) {
        long started = System.nanoTime();
        Optional<String> forged = signatures.problem(backup);
        if (forged.isPresent()) {
            return new VerifyReport(backup.id(), false, false, forged.get(), null, null, null, millisSince(started));
        }
        String problem = Checksums.problem(store.dumpFile(backup), backup.sha256()).orElse(null);
        return new VerifyReport(backup.id(), problem == null, problem == null, problem, null, null, null, millisSince(started));
    }

    /**
     * Checks the checksum, restores into a scratch database, counts rows, then drops the scratch database.
     * An encrypted backup needs its private key ({@code identity}).
     */
    public VerifyReport verify(BackupMetadata backup, Optional<String> identity) throws DatabaseUnavailableException, MissingKeyException {
        long started = System.nanoTime();
        Path file = store.dumpFile(backup);
        Optional<String> forged = signatures.problem(backup);
        if (forged.isPresent()) {
            return new VerifyReport(backup.id(), false, false, forged.get(), null, null, null, millisSince(started));
        }
        String checksumProblem = Checksums.problem(file, backup.sha256()).orElse(null);
        if (checksumProblem != null) {
            return new VerifyReport(backup.id(), false, false, checksumProblem, null, null, null, millisSince(started));
        }
        requireKeyIfEncrypted(backup, identity);
        String scratch = SCRATCH_PREFIX + HexFormat.of().formatHex(bytes(6));
        try {
            target.create(scratch);
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot create scratch database " + scratch + ": " + e.getMessage(), e);
        }
        try {
            load(backup, file, scratch, identity, true);
            List<TableRows> tables;
            try (java.sql.Connection connection = target.connect(scratch)) {
                tables = TargetDatabase.countRows(connection);
                TargetDatabase.touchObjects(connection);
            }
            long total = tables.stream().mapToLong(TableRows::rows).sum();
            String mismatch = countMismatch(backup.tableRows(), tables);
            return new VerifyReport(backup.id(), mismatch == null, true, mismatch, scratch, tables, total, millisSince(started));
        } catch (RestoreFailedException e) {
            return new VerifyReport(backup.id(), false, true, e.getMessage(), scratch, null, null, millisSince(started));
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("cannot read ")) {
                // A restored view or sequence that cannot be read is a broken backup, not an outage.
                return new VerifyReport(backup.id(), false, true, e.getMessage(), scratch, null, null, millisSince(started));
            }
            throw new DatabaseUnavailableException("cannot count rows in " + scratch + ": " + e.getMessage(), e);
        } finally {
            try {
                target.drop(scratch);
            } catch (SQLException e) {
                LOG.warnf("scratch database %s could not be dropped: %s", scratch, e.getMessage());
            }
        }
    }

    /**
     * Restores into {@code database}, creating it when it does not exist. Objects in the dump replace their
     * namesakes (plain dumps carry DROP ... IF EXISTS); objects the dump does not know stay.
     */
    public RestoreResult restore(BackupMetadata backup, String database, Optional<String> identity)
            throws RestoreFailedException, DatabaseUnavailableException, MissingKeyException {
        // API and command line accept plain identifiers only; a run restores each database under its own name.
        if (!DatabaseName.isPostgresName(database)) {
            throw new IllegalArgumentException("invalid database name");
        }
        long started = System.nanoTime();
        Path file = store.dumpFile(backup);
        Optional<String> forged = signatures.problem(backup);
        if (forged.isPresent()) {
            throw new RestoreFailedException(forged.get());
        }
        String checksumProblem = Checksums.problem(file, backup.sha256()).orElse(null);
        if (checksumProblem != null) {
            throw new RestoreFailedException("refusing to restore a damaged backup: " + checksumProblem);
        }
        requireKeyIfEncrypted(backup, identity);
        boolean created;
        try {
            created = !target.exists(database);
            if (created) {
                target.createForRestore(database);
            }
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("42")) {
                // Refused, not unreachable: e.g. a restore role the service's role may not take, or that does not exist.
                throw new RestoreFailedException("cannot create database " + database + ", nothing was changed: " + e.getMessage());
            }
            throw new DatabaseUnavailableException("cannot prepare database " + database + ": " + e.getMessage(), e);
        }
        try {
            load(backup, file, database, identity, false);
        } catch (RestoreFailedException e) {
            if (created) {
                dropQuietly(database);
            }
            throw e;
        }
        try {
            List<TableRows> tables = target.countRows(database);
            LOG.infof("restored backup %s into database %s", backup.id(), database);
            return new RestoreResult(backup.id(), database, created, tables, millisSince(started));
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("restored, but cannot count rows in " + database + ": " + e.getMessage(), e);
        }
    }

    private static void requireKeyIfEncrypted(BackupMetadata backup, Optional<String> identity) throws MissingKeyException {
        if (backup.encrypted() && identity.filter(i -> !i.isBlank()).isEmpty()) {
            throw new MissingKeyException("backup " + backup.id() + " is encrypted (" + backup.encryption()
                    + "): supply its private key (the age identity, AGE-SECRET-KEY-1...) to restore or verify it");
        }
    }

    /** {@code scratch}: a restore test's copy, without owners and privileges (see {@link ScratchCopy}). */
    private void load(BackupMetadata backup, Path file, String database, Optional<String> identity, boolean scratch) throws RestoreFailedException {
        List<String> pgRestore = new ArrayList<>(List.of("--no-password", "--exit-on-error", "--single-transaction",
                "--clean", "--if-exists", "--dbname=" + DatabaseName.asConninfo(database)));
        if (scratch) {
            pgRestore.addAll(ScratchCopy.PG_RESTORE_OPTIONS);
        }
        if (!backup.encrypted()) {
            pgRestore.add(file.toString()); // otherwise the decrypted archive arrives on stdin
        }
        boolean plain = backup.format().isPlainSql();
        String tool = plain ? "psql" : "pg_restore";
        List<String> psql = List.of("--no-psqlrc", "--no-password", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction", "--file=-");
        // A restore test stays the connecting role (its scratch copy has no owners); a real restore takes the restore role.
        ProcessBuilder builder = scratch
                ? tools.command(tool, database, plain ? psql : pgRestore)
                : tools.restoreCommand(tool, database, plain ? psql : pgRestore);
        // psql reads the decompressed SQL from stdin; pg_restore reads an unencrypted archive file itself.
        FedCommand.Source decompressed = () -> backup.format().decompressing(backup.encrypted()
                ? AgeEncryption.decrypting(Files.newInputStream(file), identity.orElseThrow())
                : Files.newInputStream(file));
        FedCommand.Source source = !plain && !backup.encrypted() ? null
                : plain && scratch ? () -> ScratchCopy.withoutOwnersAndPrivileges(decompressed.open()) : decompressed;
        FedCommand.Outcome outcome;
        try {
            outcome = FedCommand.run(tool, builder, timeout, source);
        } catch (IOException e) {
            throw new RestoreFailedException("cannot start " + tool + " (" + builder.command().get(0) + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestoreFailedException("interrupted while restoring; the transaction was rolled back", e);
        }
        ExternalCommand.Exit exit = outcome.exit();
        if (exit.timedOut()) {
            throw new RestoreFailedException(exit.timeoutMessage() + "; the transaction was rolled back");
        }
        if (outcome.feedError() != null) {
            throw new RestoreFailedException("cannot read backup " + backup.id() + " to its end, nothing was changed: " + outcome.feedError().getMessage(),
                    outcome.feedError());
        }
        if (exit.code() != 0) {
            throw new RestoreFailedException(tool + " stopped at the first error (" + exit.describeCode() + "), nothing was changed" + exit.outputSuffix());
        }
    }

    /** Null when the restored tables hold exactly the rows counted at backup time (or nothing was counted then). */
    static String countMismatch(List<TableRows> atBackup, List<TableRows> restored) {
        if (atBackup == null) {
            return null;
        }
        java.util.Map<String, Long> expected = new java.util.TreeMap<>();
        atBackup.forEach(t -> expected.put(t.schema() + "." + t.table(), t.rows()));
        java.util.Map<String, Long> actual = new java.util.TreeMap<>();
        restored.forEach(t -> actual.put(t.schema() + "." + t.table(), t.rows()));
        List<String> differences = new java.util.ArrayList<>();
        java.util.Set<String> names = new java.util.TreeSet<>(expected.keySet());
        names.addAll(actual.keySet());
        for (String name : names) {
            Long want = expected.get(name);
            Long got = actual.get(name);
            if (!java.util.Objects.equals(want, got)) {
                differences.add(name + " " + (want == null ? "missing" : want) + " at backup, " + (got == null ? "missing" : got) + " restored");
            }
        }
        return differences.isEmpty() ? null : "row counts differ from those recorded at backup time: " + String.join("; ", differences);
    }

    private void dropQuietly(String database) {
        try {
            target.dropAfterRestore(database);
        } catch (SQLException e) {
            LOG.warnf("database %s, created for a failed restore, could not be dropped: %s", database, e.getMessage());
        }
    }

    private byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
