package dev.linkstack.app.errors;

/** Could not be done now; the client may retry. */
public class Unavailable extends DomainError {
    public Unavailable(String message) {
        super(WHOLE_FORM, message);
    }
}
