package dev.linkstack.backup.cli;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.jobs.BackupJobs;
import dev.linkstack.backup.model.BackupAlreadyRunningException;
import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupJob;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code backup [--format gzip|zstd|custom]}: a backup now, with retention, waiting for its end. */
@Command(name = "backup")
class BackupNowCommand implements Callable<Integer> {
    @ParentCommand
    BackupCommandLine cli;

    @Option(names = "--format")
    String format;

    @Inject
    BackupJobs jobs;

    @Inject
    BackupStore store;

    @Inject
    BackupConfig config;

    @Override
    public Integer call() throws InterruptedException {
        BackupFormat chosen = config.compression();
        if (format != null) {
            Optional<BackupFormat> named = BackupFormat.fromLabel(format);
            if (named.isEmpty()) {
                return cli.usage("unknown format '" + format + "' (use gzip, zstd or custom)");
            }
            chosen = named.get();
        }
        BackupJob job;
        try {
            job = jobs.runToCompletion("cli", chosen);
        } catch (BackupAlreadyRunningException e) {
            cli.err.println("error: " + e.getMessage());
            return BackupCommandLine.TRY_LATER;
        }
        if (job.state() != BackupJob.State.SUCCEEDED) {
            cli.err.println("backup failed: " + job.error());
            return BackupCommandLine.FAILED;
        }
        BackupMetadata backup = store.find(job.backupId()).orElseThrow();
        cli.out.printf("backup %s written: %s, %d bytes, sha256 %s%n", backup.id(), store.dumpFile(backup), backup.sizeBytes(), backup.sha256());
        if (job.deletedByRetention() != null && !job.deletedByRetention().isEmpty()) {
            cli.out.println("retention deleted: " + String.join(", ", job.deletedByRetention()));
        }
        return BackupCommandLine.OK;
    }
}
