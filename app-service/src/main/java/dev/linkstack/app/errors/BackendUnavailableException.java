package dev.linkstack.app.errors;

/** A dependency (Redis, the database) failed: the client should retry later (503), nothing was changed. */
public class BackendUnavailableException extends RuntimeException {

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public static BackendUnavailableException findIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BackendUnavailableException backend) {
                return backend;
            }
        }
        return null;
    }
}
