package dev.linkstack.backup.cli;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.jobs.BackupJobs;
import dev.linkstack.backup.model.BackupAlreadyRunningException;
import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupJob;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.model.TableRows;
import dev.linkstack.backup.postgres.DatabaseName;
import dev.linkstack.backup.restore.BackupVerification;
import dev.linkstack.backup.restore.DatabaseUnavailableException;
import dev.linkstack.backup.restore.MissingKeyException;
import dev.linkstack.backup.restore.RestoreFailedException;
import dev.linkstack.backup.restore.RestoreResult;
import dev.linkstack.backup.restore.RestoreService;
import dev.linkstack.backup.restore.VerifyReport;
import dev.linkstack.backup.store.BackupStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operator's commands, for use without the REST API (e.g. {@code docker exec ... backup-service restore ID --to DB}).
 * Exit codes follow sysexits: 0 ok, 1 the operation failed, 64 usage error, 69 database unavailable, 75 a backup is
 * already running.
 */
@Singleton
public class BackupCommandLine {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 64;
    public static final int UNAVAILABLE = 69;
    public static final int TRY_LATER = 75;

    static final String USAGE_TEXT = """
            Usage: backup-service [command]
              (no command)                       run the service: schedule, REST API, health, metrics
              backup [--format gzip|zstd|custom]  take a backup now and apply retention
              list                               list backups, newest first
              verify ID [--identity-file F]      check the checksum and restore into a scratch database
              restore ID --to DB [--yes] [--identity-file F]
                                                 restore into database DB (created if missing) in one transaction;
                                                 asks to type DB again unless --yes is given
              (encrypted backups: F holds the age private key; BACKUP_IDENTITY_FILE is the default)
              help                               show this text""";

    @Inject
    BackupJobs jobs;

    @Inject
    BackupStore store;

    @Inject
    RestoreService restores;

    @Inject
    BackupVerification verification;

    @Inject
    BackupConfig config;

    public int execute(List<String> args, PrintStream out, PrintStream err, BufferedReader in) {
        if (args.isEmpty()) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (args.get(0)) {
                case "backup" -> backup(rest, out, err);
                case "list" -> list(rest, out, err);
                case "verify" -> verify(rest, out, err);
                case "restore" -> restore(rest, out, err, in);
                case "help", "--help", "-h" -> {
                    out.println(USAGE_TEXT);
                    yield OK;
                }
                default -> usage(err, "unknown command '" + args.get(0) + "'");
            };
        } catch (DatabaseUnavailableException e) {
            err.println("error: " + e.getMessage());
            return UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return FAILED;
        }
    }

    private int backup(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        BackupFormat format = config.compression();
        if (args.size() == 2 && args.get(0).equals("--format")) {
            Optional<BackupFormat> chosen = BackupFormat.fromLabel(args.get(1));
            if (chosen.isEmpty()) {
                return usage(err, "unknown format '" + args.get(1) + "' (use gzip, zstd or custom)");
            }
            format = chosen.get();
        } else if (!args.isEmpty()) {
            return usage(err, "backup takes only --format gzip|zstd|custom");
        }
        BackupJob job;
        try {
            job = jobs.runToCompletion("cli", format);
        } catch (BackupAlreadyRunningException e) {
            err.println("error: " + e.getMessage());
            return TRY_LATER;
        }
        if (job.state() != BackupJob.State.SUCCEEDED) {
            err.println("backup failed: " + job.error());
            return FAILED;
        }
        BackupMetadata backup = store.find(job.backupId()).orElseThrow();
        out.printf("backup %s written: %s, %d bytes, sha256 %s%n", backup.id(), store.dumpFile(backup), backup.sizeBytes(), backup.sha256());
        if (job.deletedByRetention() != null && !job.deletedByRetention().isEmpty()) {
            out.println("retention deleted: " + String.join(", ", job.deletedByRetention()));
        }
        return OK;
    }

    private int list(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            return usage(err, "list takes no arguments");
        }
        List<BackupMetadata> backups = store.list();
        out.printf("%-40s %-24s %-7s %14s  %s%n", "ID", "STARTED", "FORMAT", "BYTES", "DATABASE");
        for (BackupMetadata b : backups) {
            out.printf("%-40s %-24s %-7s %14d  %s%n", b.id(), b.startedAt(), b.format(), b.sizeBytes(), b.database());
        }
        out.println(backups.size() + " backup(s) in " + store.dir());
        return OK;
    }

    private int verify(List<String> args, PrintStream out, PrintStream err) throws DatabaseUnavailableException {
        String identityFile = null;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--identity-file") && i + 1 < args.size()) {
                identityFile = args.get(++i);
            } else {
                positional.add(args.get(i));
            }
        }
        if (positional.size() != 1 || positional.get(0).startsWith("--")) {
            return usage(err, "verify takes exactly one backup id (and optionally --identity-file F)");
        }
        Optional<BackupMetadata> backup = findBackup(positional.get(0), err);
        if (backup.isEmpty()) {
            return FAILED;
        }
        Optional<String> identity;
        try {
            identity = identity(identityFile);
        } catch (IOException e) {
            err.println("error: cannot read the identity file: " + e.getMessage());
            return FAILED;
        }
        VerifyReport report;
        try {
            report = verification.verify(backup.get(), "cli", identity);
        } catch (MissingKeyException e) {
            err.println("error: " + e.getMessage() + " (--identity-file or BACKUP_IDENTITY_FILE)");
            return FAILED;
        }
        if (!report.ok()) {
            err.println("verify failed: " + report.error());
            return FAILED;
        }
        printTables(out, report.tables());
        out.printf("backup %s is good: checksum matches, restored %d table(s), %d row(s)%n", report.backupId(), report.tables().size(), report.totalRows());
        return OK;
    }

    private int restore(List<String> args, PrintStream out, PrintStream err, BufferedReader in) throws DatabaseUnavailableException {
        String id = null;
        String database = null;
        String identityFile = null;
        boolean confirmed = false;
        List<String> unexpected = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--to") && i + 1 < args.size()) {
                database = args.get(++i);
            } else if (arg.equals("--yes")) {
                confirmed = true;
            } else if (arg.equals("--identity-file") && i + 1 < args.size()) {
                identityFile = args.get(++i);
            } else if (id == null && !arg.startsWith("--")) {
                id = arg;
            } else {
                unexpected.add(arg);
            }
        }
        if (id == null || database == null || !unexpected.isEmpty()) {
            return usage(err, "restore needs a backup id and --to DB");
        }
        if (!DatabaseName.isValid(database)) {
            return usage(err, "invalid database name '" + database + "'");
        }
        Optional<BackupMetadata> backup = findBackup(id, err);
        if (backup.isEmpty()) {
            return FAILED;
        }
        if (!confirmed && !confirmInteractively(database, out, err, in)) {
            return FAILED;
        }
        try {
            RestoreResult result = restores.restore(backup.get(), database, identity(identityFile));
            printTables(out, result.tables());
            out.printf("restored %s into %s%s%n", result.backupId(), result.database(), result.createdDatabase() ? " (new database)" : "");
            return OK;
        } catch (RestoreFailedException e) {
            err.println("restore failed: " + e.getMessage());
            return FAILED;
        } catch (MissingKeyException e) {
            err.println("error: " + e.getMessage() + " (--identity-file or BACKUP_IDENTITY_FILE)");
            return FAILED;
        } catch (IOException e) {
            err.println("error: cannot read the identity file: " + e.getMessage());
            return FAILED;
        }
    }

    /** The age private key of an encrypted backup: from the named file, else from BACKUP_IDENTITY_FILE, else none. */
    private static Optional<String> identity(String file) throws IOException {
        String path = file != null ? file : System.getenv("BACKUP_IDENTITY_FILE");
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        // age identity files may hold comments; the key is the line starting with AGE-SECRET-KEY-.
        List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(path));
        return Optional.of(lines.stream().map(String::strip).filter(line -> line.startsWith("AGE-SECRET-KEY-")).findFirst()
                .orElseThrow(() -> new IOException(path + " holds no AGE-SECRET-KEY- line")));
    }

    private boolean confirmInteractively(String database, PrintStream out, PrintStream err, BufferedReader in) {
        out.printf("Restoring replaces the objects of the backup in database '%s'. Type the database name to continue: ", database);
        out.flush();
        try {
            String answer = in == null ? null : in.readLine();
            if (answer != null && answer.trim().equals(database)) {
                return true;
            }
        } catch (IOException e) {
            // treated as no confirmation
        }
        err.println("not confirmed; nothing was changed (use --yes in scripts)");
        return false;
    }

    private Optional<BackupMetadata> findBackup(String id, PrintStream err) {
        if (!BackupId.isValid(id)) {
            err.println("error: invalid backup id '" + id + "'");
            return Optional.empty();
        }
        Optional<BackupMetadata> backup = store.find(id);
        if (backup.isEmpty()) {
            err.println("error: no backup " + id + " in " + store.dir());
        }
        return backup;
    }

    private static void printTables(PrintStream out, List<TableRows> tables) {
        for (TableRows table : tables) {
            out.printf("  %-50s %12d rows%n", table.schema() + "." + table.table(), table.rows());
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("error: " + problem);
        err.println(USAGE_TEXT);
        return USAGE;
    }
}
