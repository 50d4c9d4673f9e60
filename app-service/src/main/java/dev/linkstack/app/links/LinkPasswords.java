package dev.linkstack.app.links;

import dev.linkstack.app.auth.Passwords;

import dev.linkstack.app.session.Secrets;

/**
 * Passwords that guard a link's redirect: bcrypt like account passwords, but of the password's SHA-256 digest, since
 * bcrypt reads only 72 bytes and a link password may have 128 characters (up to 512 bytes of UTF-8).
 */
public final class LinkPasswords {
    static final int MIN_LENGTH = 4;
    static final int MAX_LENGTH = 128;

    private LinkPasswords() {
    }

    /** Why a password is refused, or null when it is acceptable. */
    static String problem(String password) {
        int length = password == null ? 0 : password.codePointCount(0, password.length());
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            return "Password must have " + MIN_LENGTH + " to " + MAX_LENGTH + " characters";
        }
        return null;
    }

    static String hash(String password) {
        return Passwords.hash(digest(password));
    }

    /** Slow on purpose (bcrypt): never on the event loop. */
    public static boolean matches(String password, String hash) {
        return password != null && hash != null && Passwords.matches(digest(password), hash);
    }

    /** 64 hex characters: within bcrypt's 72 bytes. */
    private static String digest(String password) {
        return Secrets.sha256Hex(password);
    }
}
