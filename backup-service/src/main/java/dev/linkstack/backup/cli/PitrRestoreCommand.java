package dev.linkstack.backup.cli;

import dev.linkstack.backup.pitr.PitrRefusal;
import dev.linkstack.backup.pitr.PointInTimeRestore;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * {@code pitr-restore --to-dir DIR (--time T | --latest | --restore-point NAME) [--identity-file F] [--source local|offsite]}:
 * prepares a new data directory that recovers to that point when PostgreSQL is started on it; from the off-site copy,
 * what the local archive lacks is fetched first, as the API's {@code "source": "offsite"} does.
 */
@Command(name = "pitr-restore")
class PitrRestoreCommand implements Callable<Integer> {
    @ParentCommand
    BackupCommandLine cli;

    @Option(names = "--to-dir", required = true)
    String directory;

    @Mixin
    PitrTargetOptions to;

    @Mixin
    IdentityFileOption identityFile;

    @Option(names = "--source", paramLabel = "local|offsite")
    String source;

    @Inject
    PointInTimeRestore restore;

    @Override
    public Integer call() {
        if (to.given() != 1) {
            return cli.usage("pitr-restore needs exactly one of --time T, --latest, --restore-point NAME");
        }
        try {
            PointInTimeRestore.Source from = PointInTimeRestore.Source.parse(source);
            PointInTimeRestore.Result result = restore.restore(directory, to.target(identityFile.key()), from);
            cli.out.printf("%s prepared from base backup %s: recovery to %s, %d WAL segment(s), newest %s%n", result.directory(),
                    result.baseBackupId(), result.target(), result.walSegments(), result.newestSegment());
            result.recoverySettings().forEach((name, value) -> cli.out.printf("  %s = '%s'%n", name, value));
            cli.out.println("next: " + result.next());
            return BackupCommandLine.OK;
        } catch (PitrRefusal e) {
            return PitrCommandFailures.report(cli, e);
        } catch (java.io.IOException e) {
            return IdentityFileOption.unreadable(cli, e);
        }
    }
}
