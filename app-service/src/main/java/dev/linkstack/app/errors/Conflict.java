package dev.linkstack.app.errors;

/** The request clashes with what exists, e.g. a code or name already taken. */
public class Conflict extends DomainError {
    public Conflict(String field, String message) {
        super(field, message);
    }
}
