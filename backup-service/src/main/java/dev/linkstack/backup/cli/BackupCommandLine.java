package dev.linkstack.backup.cli;

import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.model.TableRows;
import dev.linkstack.backup.restore.DatabaseUnavailableException;
import dev.linkstack.backup.store.BackupStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The operator's commands, for use without the REST API (e.g. {@code docker exec ... backup-service restore ID --to DB}),
 * parsed by picocli. Exit codes follow sysexits: 0 ok, 1 the operation failed, 64 usage error, 69 database (or the
 * off-site store) unavailable, 75 a backup is already running.
 */
@Singleton
@Command(name = "backup-service", subcommands = {BackupNowCommand.class, ListCommand.class, VerifyCommand.class, RestoreCommand.class,
        SignExistingCommand.class, BaseBackupCommand.class, RestorePointCommand.class, PitrRestoreCommand.class, PitrProofCommand.class,
        HelpCommand.class})
public class BackupCommandLine implements Callable<Integer> {
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
              sign-existing [--yes]              sign the backups, runs and base backups made before
                                                 BACKUP_SIGNING_KEY was set (checksums must match), then the
                                                 base backups' off-site copies; asks to type yes unless --yes
                                                 is given
              base-backup [--full | --incremental | --list]
                                                 take a base backup now (pg_basebackup; incremental on the
                                                 newest one: PostgreSQL 17+, summarize_wal on; neither: as
                                                 BACKUP_BASE_INCREMENTAL_ENABLED says), or list them
              restore-point NAME                 create a named restore point (pg_create_restore_point)
              pitr-restore --to-dir DIR (--time T | --latest | --restore-point NAME) [--identity-file F]
                           [--source local|offsite]
                                                 prepare a new data directory DIR that recovers to that point
                                                 (T: ISO-8601 with offset, e.g. 2026-03-18T14:02:59+01:00);
                                                 offsite: first fetch what the local archive lacks from the
                                                 off-site copy (BACKUP_OFFSITE_ENDPOINT)
              pitr-proof [--latest | --time T | --restore-point NAME] [--list]
                                                 prove a point-in-time restore: into a scratch cluster that is
                                                 started, checked (row counts, probe query) and removed; or list proofs
              help                               show this text""";

    private final CommandLine.IFactory factory;
    private final BackupStore store;

    @Option(names = {"-h", "--help"}, description = "show the usage")
    boolean help;

    /** Anything that is not a command (reported as an unknown command), or what follows --help (ignored). */
    @Parameters(arity = "0..*", hidden = true)
    List<String> notACommand;

    /** What each command says when it is called with arguments it does not take. */
    private static final Map<String, String> MISUSE = Map.of(
            "backup", "backup takes only --format gzip|zstd|custom",
            "list", "list takes no arguments",
            "verify", "verify takes exactly one backup id (and optionally --identity-file F)",
            "restore", "restore needs a backup id and --to DB",
            "sign-existing", "sign-existing takes only --yes",
            "base-backup", "base-backup takes only --full, --incremental or --list",
            "restore-point", "restore-point takes exactly one name",
            "pitr-restore", "pitr-restore needs --to-dir DIR and one of --time T, --latest, --restore-point NAME",
            "pitr-proof", "pitr-proof takes at most one of --time T, --latest, --restore-point NAME, or --list");

    // The streams of the running command; the command line runs one command at a time.
    PrintStream out;
    PrintStream err;
    BufferedReader in;

    @Inject
    BackupCommandLine(CommandLine.IFactory factory, BackupStore store) {
        this.factory = factory;
        this.store = store;
    }

    /** Runs one command and returns its exit code. */
    public synchronized int execute(List<String> args, PrintStream out, PrintStream err, BufferedReader in) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.help = false;
        this.notACommand = null;
        CommandLine commandLine = new CommandLine(this, factory)
                .setExpandAtFiles(false)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        commandLine.setParameterExceptionHandler((e, arguments) -> usage(problem(e, commandLine)));
        commandLine.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof DatabaseUnavailableException) {
                err.println("error: " + e.getMessage());
                return UNAVAILABLE;
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                err.println("error: interrupted");
                return FAILED;
            }
            throw e;
        });
        return commandLine.execute(args.toArray(String[]::new));
    }

    /** Without a command: the usage (on stdout when asked for with --help, else on stderr as an error). */
    @Override
    public Integer call() {
        if (help) {
            out.println(USAGE_TEXT);
            return OK;
        }
        if (notACommand != null && !notACommand.isEmpty()) {
            return usage("unknown command '" + notACommand.get(0) + "'");
        }
        err.println(USAGE_TEXT);
        return USAGE;
    }

    private static String problem(CommandLine.ParameterException e, CommandLine top) {
        if (e.getCommandLine() == top) {
            // An unknown option where a command is expected.
            return e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()
                    ? "unknown command '" + unmatched.getUnmatched().get(0) + "'" : e.getMessage();
        }
        return MISUSE.getOrDefault(e.getCommandLine().getCommandName(), e.getMessage());
    }

    int usage(String problem) {
        err.println("error: " + problem);
        err.println(USAGE_TEXT);
        return USAGE;
    }

    /** The listed backup with this id, or empty after telling why. */
    Optional<BackupMetadata> findBackup(String id) {
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

    void printTables(List<TableRows> tables) {
        for (TableRows table : tables) {
            out.printf("  %-50s %12d rows%n", table.schema() + "." + table.table(), table.rows());
        }
    }
}
