package dev.linkstack.backup.cli;

import dev.linkstack.backup.pitr.PitrRefusal;
import dev.linkstack.backup.pitr.RestoreProof;
import dev.linkstack.backup.pitr.RestoreProofResult;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pitr-proof [--latest | --time T | --restore-point NAME] [--list]}: restores into a scratch cluster, recovers
 * to the target, counts rows and runs the probe query, removes it; or lists the recent proofs.
 */
@Command(name = "pitr-proof")
class PitrProofCommand implements Callable<Integer> {
    @ParentCommand
    BackupCommandLine cli;

    @Mixin
    PitrTargetOptions to;

    @Option(names = "--list")
    boolean list;

    @Inject
    RestoreProof proof;

    @Override
    public Integer call() {
        if (to.given() > 1 || (list && to.given() > 0)) {
            return cli.usage("pitr-proof takes at most one of --time T, --latest, --restore-point NAME, or --list alone");
        }
        try {
            if (list) {
                for (RestoreProofResult result : proof.recent()) {
                    cli.out.printf("%s  %-6s %s  %s%s%n", result.id(), result.ok() ? "ok" : "FAILED", result.target(), result.durationMillis() + " ms",
                            result.ok() ? "" : "  " + result.error());
                }
                return BackupCommandLine.OK;
            }
            RestoreProofResult result = proof.prove(to.target(), "cli");
            if (!result.ok()) {
                cli.err.println("restore proof failed: " + result.error());
                result.recoveryLog().stream().limit(20).forEach(line -> cli.err.println("  " + line));
                return BackupCommandLine.FAILED;
            }
            cli.printTables(result.tables() == null ? List.of() : result.tables());
            if (result.probeResult() != null) {
                cli.out.println("probe: " + result.probeQuery() + " -> " + result.probeResult());
            }
            cli.out.printf("restore proof %s ok: %s from base backup %s recovered to %s (last transaction %s), %d row(s), %d ms; scratch removed%n",
                    result.id(), result.target(), result.baseBackupId(), result.reachedLsn(), result.lastTransactionAt(), result.totalRows(),
                    result.durationMillis());
            return BackupCommandLine.OK;
        } catch (PitrRefusal e) {
            return PitrCommandFailures.report(cli, e);
        }
    }
}
