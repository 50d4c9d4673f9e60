package dev.linkstack.backup.cli;

import dev.linkstack.backup.pitr.BaseBackups;
import dev.linkstack.backup.pitr.PitrOffsiteCopy;
import dev.linkstack.backup.store.SigningAdoption;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * {@code sign-existing [--yes]}: signs the backups, runs and base backups made before BACKUP_SIGNING_KEY was set, then,
 * with an off-site target, gives the base backups' off-site copies their signed {@code base.json}.
 */
@Command(name = "sign-existing")
class SignExistingCommand implements Callable<Integer> {
    @ParentCommand
    BackupCommandLine cli;

    @Option(names = "--yes")
    boolean confirmed;

    @Inject
    SigningAdoption adoption;

    @Inject
    BaseBackups baseBackups;

    @Inject
    PitrOffsiteCopy pitrOffsite;

    @Override
    public Integer call() {
        if (!adoption.keyConfigured()) {
            cli.err.println("error: no BACKUP_SIGNING_KEY is set: there is nothing to sign with");
            return BackupCommandLine.FAILED;
        }
        if (!confirmed && !confirmInteractively()) {
            return BackupCommandLine.FAILED;
        }
        SigningAdoption.Outcome outcome;
        BaseBackups.Adoption bases;
        try {
            outcome = adoption.signUnsigned();
            bases = baseBackups.signUnsigned();
        } catch (IOException e) {
            cli.err.println("error: " + e.getMessage());
            return BackupCommandLine.FAILED;
        }
        outcome.leftUnsigned().forEach(reason -> cli.err.println("left unsigned: " + reason));
        bases.leftUnsigned().forEach(reason -> cli.err.println("left unsigned: " + reason));
        cli.out.printf("signed %d backup(s) and %d run(s)%n", outcome.signedBackups().size(), outcome.signedRuns().size());
        cli.out.printf("signed %d base backup(s)%n", bases.signed().size());
        boolean offsiteUpToDate = updateOffsiteCopies();
        return outcome.leftUnsigned().isEmpty() && bases.leftUnsigned().isEmpty() && offsiteUpToDate ? BackupCommandLine.OK : BackupCommandLine.FAILED;
    }

    /** Brings the base backups' off-site copies to the signed metadata; false when one could not be (said why). */
    private boolean updateOffsiteCopies() {
        if (!pitrOffsite.enabled()) {
            return true;
        }
        PitrOffsiteCopy.MetadataUpdate update;
        try {
            update = pitrOffsite.updateSignedMetadata();
        } catch (RuntimeException e) {
            cli.err.println("off-site copies keep their unsigned base.json (run sign-existing again once the store is reachable): " + e.getMessage());
            return false;
        }
        update.failed().forEach(reason -> cli.err.println("left unsigned: " + reason));
        cli.out.printf("updated the off-site copy of %d base backup(s)%n", update.updated().size());
        return update.failed().isEmpty();
    }

    private boolean confirmInteractively() {
        cli.out.print("Signing vouches for every unsigned backup in the folder as made by this service. Type yes if nobody else"
                + " could have written to it: ");
        cli.out.flush();
        try {
            String answer = cli.in == null ? null : cli.in.readLine();
            if (answer != null && answer.trim().equals("yes")) {
                return true;
            }
        } catch (IOException e) {
            // treated as no confirmation
        }
        cli.err.println("not confirmed; nothing was signed (use --yes in scripts)");
        return false;
    }
}
