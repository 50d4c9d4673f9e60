package dev.linkstack.backup.model;

import java.util.Optional;

/** A backup of the same database is already running, here (with its job) or in another instance. */
public class BackupAlreadyRunningException extends RuntimeException {
    private final transient BackupJob runningJob;

    public BackupAlreadyRunningException(String message, BackupJob runningJob) {
        super(message);
        this.runningJob = runningJob;
    }

    public Optional<BackupJob> runningJob() {
        return Optional.ofNullable(runningJob);
    }
}
