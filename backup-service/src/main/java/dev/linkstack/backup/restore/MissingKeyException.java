package dev.linkstack.backup.restore;

/** An encrypted backup was to be restored or verified without its private key. */
public class MissingKeyException extends Exception {
    public MissingKeyException(String message) {
        super(message);
    }
}
