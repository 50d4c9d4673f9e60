package dev.linkstack.backup.pitr;

/**
 * Point-in-time recovery refused or failed for a reason the caller can act on: carries the HTTP status and the
 * machine-readable error the API answers with (a 4xx, or 503 when the database is unreachable).
 */
public class PitrRefusal extends RuntimeException {
    private final int status;
    private final String error;

    public PitrRefusal(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
