package dev.linkstack.app.errors;

/** The caller may not do this here, whoever they are (e.g. registration is switched off). */
public class NotAllowed extends DomainError {
    public NotAllowed(String message) {
        super(WHOLE_FORM, message);
    }
}
