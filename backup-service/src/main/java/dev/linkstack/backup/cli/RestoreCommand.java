package dev.linkstack.backup.cli;

import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.postgres.DatabaseName;
import dev.linkstack.backup.restore.DatabaseUnavailableException;
import dev.linkstack.backup.restore.MissingKeyException;
import dev.linkstack.backup.restore.RestoreFailedException;
import dev.linkstack.backup.restore.RestoreResult;
import dev.linkstack.backup.restore.RestoreService;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code restore ID --to DB [--yes] [--identity-file F]}: into a database, in one transaction, after a confirmation. */
@Command(name = "restore")
class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    BackupCommandLine cli;

    @Parameters(arity = "1", paramLabel = "ID")
    String id;

    @Option(names = "--to", required = true, paramLabel = "DB")
    String database;

    @Option(names = "--yes")
    boolean confirmed;

    @Mixin
    IdentityFileOption identityFile;

    @Inject
    RestoreService restores;

    @Override
    public Integer call() throws DatabaseUnavailableException {
        if (!DatabaseName.isValid(database)) {
            return cli.usage("invalid database name '" + database + "'");
        }
        Optional<BackupMetadata> backup = cli.findBackup(id);
        if (backup.isEmpty()) {
            return BackupCommandLine.FAILED;
        }
        if (!confirmed && !confirmInteractively()) {
            return BackupCommandLine.FAILED;
        }
        try {
            RestoreResult result = restores.restore(backup.get(), database, identityFile.key());
            cli.printTables(result.tables());
            cli.out.printf("restored %s into %s%s%n", result.backupId(), result.database(), result.createdDatabase() ? " (new database)" : "");
            return BackupCommandLine.OK;
        } catch (RestoreFailedException e) {
            cli.err.println("restore failed: " + e.getMessage());
            return BackupCommandLine.FAILED;
        } catch (MissingKeyException e) {
            return IdentityFileOption.missing(cli, e);
        } catch (IOException e) {
            return IdentityFileOption.unreadable(cli, e);
        }
    }

    private boolean confirmInteractively() {
        cli.out.printf("Restoring replaces the objects of the backup in database '%s'. Type the database name to continue: ", database);
        cli.out.flush();
        try {
            String answer = cli.in == null ? null : cli.in.readLine();
            if (answer != null && answer.trim().equals(database)) {
                return true;
            }
        } catch (IOException e) {
            // treated as no confirmation
        }
        cli.err.println("not confirmed; nothing was changed (use --yes in scripts)");
        return false;
    }
}
