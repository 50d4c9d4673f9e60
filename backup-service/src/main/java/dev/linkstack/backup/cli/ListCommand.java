package dev.linkstack.backup.cli;

import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code list}: the backups, newest first. */
@Command(name = "list")
class ListCommand implements Callable<Integer> {
    @ParentCommand
    BackupCommandLine cli;

    @Inject
    BackupStore store;

    @Override
    public Integer call() {
        List<BackupMetadata> backups = store.list();
        cli.out.printf("%-40s %-24s %-7s %14s  %s%n", "ID", "STARTED", "FORMAT", "BYTES", "DATABASE");
        for (BackupMetadata b : backups) {
            cli.out.printf("%-40s %-24s %-7s %14d  %s%n", b.id(), b.startedAt(), b.format(), b.sizeBytes(), b.database());
        }
        cli.out.println(backups.size() + " backup(s) in " + store.dir());
        return BackupCommandLine.OK;
    }
}
