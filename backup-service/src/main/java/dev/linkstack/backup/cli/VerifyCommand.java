package dev.linkstack.backup.cli;

import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.restore.BackupVerification;
import dev.linkstack.backup.restore.DatabaseUnavailableException;
import dev.linkstack.backup.restore.MissingKeyException;
import dev.linkstack.backup.restore.VerifyReport;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code verify ID [--identity-file F]}: the checksum, then a restore into a scratch database. */
@Command(name = "verify")
class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    BackupCommandLine cli;

    @Parameters(arity = "1", paramLabel = "ID")
    String id;

    @Mixin
    IdentityFileOption identityFile;

    @Inject
    BackupVerification verification;

    @Override
    public Integer call() throws DatabaseUnavailableException {
        Optional<BackupMetadata> backup = cli.findBackup(id);
        if (backup.isEmpty()) {
            return BackupCommandLine.FAILED;
        }
        Optional<String> identity;
        try {
            identity = identityFile.key();
        } catch (IOException e) {
            return IdentityFileOption.unreadable(cli, e);
        }
        VerifyReport report;
        try {
            report = verification.verify(backup.get(), "cli", identity);
        } catch (MissingKeyException e) {
            return IdentityFileOption.missing(cli, e);
        }
        if (!report.ok()) {
            cli.err.println("verify failed: " + report.error());
            return BackupCommandLine.FAILED;
        }
        cli.printTables(report.tables());
        cli.out.printf("backup %s is good: checksum matches, restored %d table(s), %d row(s)%n", report.backupId(), report.tables().size(),
                report.totalRows());
        return BackupCommandLine.OK;
    }
}
