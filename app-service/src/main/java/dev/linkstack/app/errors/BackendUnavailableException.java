package dev.linkstack.app.errors;

/** A dependency (Redis, the database) failed: the client should retry later (503), nothing was changed. */
public class BackendUnavailableException extends RuntimeException {

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The failure as a 503: itself when a dependency already said so, otherwise wrapped with this message. */
    public static RuntimeException explain(RuntimeException failure, String message) {
        return findIn(failure) != null ? failure : new BackendUnavailableException(message, failure);
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
