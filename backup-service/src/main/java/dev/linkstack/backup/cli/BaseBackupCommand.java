package dev.linkstack.backup.cli;

import dev.linkstack.backup.pitr.BaseBackup;
import dev.linkstack.backup.pitr.BaseBackups;
import dev.linkstack.backup.pitr.PitrRefusal;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * {@code base-backup [--full | --incremental] [--list]}: a base backup now (pg_basebackup; of the type asked for, else
 * the one backup.base.incremental says is next), or the list of base backups with their type and parent.
 */
@Command(name = "base-backup")
class BaseBackupCommand implements Callable<Integer> {
    @ParentCommand
    BackupCommandLine cli;

    @Option(names = "--list")
    boolean list;

    @Option(names = "--full")
    boolean full;

    @Option(names = "--incremental")
    boolean incremental;

    @Inject
    BaseBackups baseBackups;

    @Override
    public Integer call() {
        try {
            if (list) {
                cli.out.printf("%-26s %-24s %-24s %-12s %-12s %-8s %-11s %s%n", "ID", "STARTED", "ENDED", "START LSN", "END LSN", "TIMELINE",
                        "TYPE", "PARENT");
                for (BaseBackup b : baseBackups.list()) {
                    cli.out.printf("%-26s %-24s %-24s %-12s %-12s %-8d %-11s %s%n", b.id(), b.startedAt(), b.endedAt(), b.startLsn(), b.endLsn(),
                            b.timeline(), b.type(), b.parent() == null ? "-" : b.parent());
                }
                return BackupCommandLine.OK;
            }
            if (full && incremental) {
                throw new PitrRefusal(400, "bad_request", "Give --full or --incremental, not both");
            }
            BaseBackup b = baseBackups.take("cli", full ? BaseBackup.FULL : incremental ? BaseBackup.INCREMENTAL : null);
            cli.out.printf("base backup %s written: %s to %s, timeline %d, %s%n", b.id(), b.startLsn(), b.endLsn(), b.timeline(),
                    b.parent() == null ? "full" : "incremental on " + b.parent());
            return BackupCommandLine.OK;
        } catch (PitrRefusal e) {
            return PitrCommandFailures.report(cli, e);
        }
    }
}
