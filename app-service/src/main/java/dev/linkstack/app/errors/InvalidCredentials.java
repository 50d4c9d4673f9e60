package dev.linkstack.app.errors;

/** An unknown username or a wrong password (which of the two is not told). */
public class InvalidCredentials extends DomainError {
    public InvalidCredentials() {
        super("password", "Unknown username or wrong password");
    }
}
