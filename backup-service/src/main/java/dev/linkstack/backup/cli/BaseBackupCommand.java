package dev.linkstack.backup.cli;

import dev.linkstack.backup.pitr.BaseBackup;
import dev.linkstack.backup.pitr.BaseBackups;
import dev.linkstack.backup.pitr.PitrRefusal;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code base-backup [--list]}: a base backup now (pg_basebackup), or the list of base backups. */
@Command(name = "base-backup")
class BaseBackupCommand implements Callable<Integer> {
    @ParentCommand
    BackupCommandLine cli;

    @Option(names = "--list")
    boolean list;

    @Inject
    BaseBackups baseBackups;

    @Override
    public Integer call() {
        try {
            if (list) {
                cli.out.printf("%-26s %-24s %-24s %-12s %-12s %s%n", "ID", "STARTED", "ENDED", "START LSN", "END LSN", "TIMELINE");
                for (BaseBackup b : baseBackups.list()) {
                    cli.out.printf("%-26s %-24s %-24s %-12s %-12s %d%n", b.id(), b.startedAt(), b.endedAt(), b.startLsn(), b.endLsn(), b.timeline());
                }
                return BackupCommandLine.OK;
            }
            BaseBackup b = baseBackups.take("cli");
            cli.out.printf("base backup %s written: %s to %s, timeline %d%n", b.id(), b.startLsn(), b.endLsn(), b.timeline());
            return BackupCommandLine.OK;
        } catch (PitrRefusal e) {
            return PitrCommandFailures.report(cli, e);
        }
    }
}
