package dev.linkstack.app.errors;

/**
 * A request the services refuse, in their own terms: what kind of refusal ({@link InvalidInput}, {@link NotFound},
 * {@link Conflict}, {@link NotAllowed}, {@link Unavailable}) and which input it is about. The web edge turns the kind
 * into an HTTP status; pages show the message beside the field.
 */
public abstract class DomainError extends RuntimeException {
    /** The field of errors that concern the whole form rather than one input. */
    public static final String WHOLE_FORM = "form";

    private final String field;

    protected DomainError(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    /** The form field or JSON property the error is about, or {@link #WHOLE_FORM}. */
    public String field() {
        return field;
    }
}
