package dev.linkstack.backup.cli;

import dev.linkstack.backup.pitr.PitrRefusal;
import dev.linkstack.backup.pitr.RestorePoints;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code restore-point NAME}: pg_create_restore_point(NAME), recorded for later restores. */
@Command(name = "restore-point")
class RestorePointCommand implements Callable<Integer> {
    @ParentCommand
    BackupCommandLine cli;

    @Parameters(arity = "1")
    String name;

    @Inject
    RestorePoints restorePoints;

    @Override
    public Integer call() {
        try {
            RestorePoints.RestorePoint point = restorePoints.create(name);
            cli.out.printf("restore point %s at %s (timeline %d, %s)%n", point.name(), point.lsn(), point.timeline(), point.createdAt());
            return BackupCommandLine.OK;
        } catch (PitrRefusal e) {
            return PitrCommandFailures.report(cli, e);
        }
    }
}
