package dev.linkstack.backup.restore;

/** A dump could not be loaded; thanks to the single transaction the target database is unchanged. */
public class RestoreFailedException extends Exception {
    public RestoreFailedException(String message) {
        super(message);
    }

    public RestoreFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
