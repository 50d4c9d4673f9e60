package dev.linkstack.app.errors;

/** Nothing of that name, or nothing the caller may see (others' things are reported as missing). */
public class NotFound extends DomainError {
    public NotFound(String message) {
        super(WHOLE_FORM, message);
    }
}
