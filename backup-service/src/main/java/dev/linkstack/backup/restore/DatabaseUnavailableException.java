package dev.linkstack.backup.restore;

/** The target server refused or could not be reached for a database-level command. */
public class DatabaseUnavailableException extends Exception {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
