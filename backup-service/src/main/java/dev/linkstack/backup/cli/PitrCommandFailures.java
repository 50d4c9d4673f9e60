package dev.linkstack.backup.cli;

import dev.linkstack.backup.pitr.PitrRefusal;

/** How the point-in-time recovery commands exit when refused: sysexits codes, the reason on stderr. */
final class PitrCommandFailures {
    private PitrCommandFailures() {
    }

    static int report(BackupCommandLine cli, PitrRefusal e) {
        cli.err.println("error: " + e.getMessage());
        return switch (e.status()) {
            case 400 -> BackupCommandLine.USAGE;
            case 409 -> e.error().endsWith("_running") ? BackupCommandLine.TRY_LATER : BackupCommandLine.FAILED;
            // 502: the off-site store could not be read; 503: the database or the backup directory is unavailable.
            case 502, 503 -> BackupCommandLine.UNAVAILABLE;
            default -> BackupCommandLine.FAILED;
        };
    }
}
