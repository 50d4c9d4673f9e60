package dev.linkstack.app.errors;

/** A value the rules refuse: missing, malformed or out of range. */
public class InvalidInput extends DomainError {
    public InvalidInput(String field, String message) {
        super(field, message);
    }
}
