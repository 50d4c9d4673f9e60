package dev.linkstack.app.ui;

import dev.linkstack.app.errors.DomainError;
import dev.linkstack.app.web.DomainErrors;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;

import java.util.Map;

/** A refused form: the status of the page shown again, and the message beside the field the refusal names. */
record FieldError(int status, String field, String message) {

    static FieldError of(DomainError e) {
        return new FieldError(DomainErrors.status(e), e.field(), e.getMessage());
    }

    static FieldError of(ConstraintViolationException e) {
        ConstraintViolation<?> violation = DomainErrors.first(e);
        return new FieldError(400, DomainErrors.field(violation), violation.getMessage());
    }

    Pages.Form form(Map<String, String> values) {
        return new Pages.Form(values, Map.of(field, message));
    }
}
