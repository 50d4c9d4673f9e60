package dev.linkstack.backup.model;

/** A backup did not complete; the message is meant for the operator (job status, CLI, logs). */
public class BackupFailedException extends Exception {
    public BackupFailedException(String message) {
        super(message);
    }

    public BackupFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
