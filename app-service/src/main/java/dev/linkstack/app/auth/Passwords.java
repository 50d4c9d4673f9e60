package dev.linkstack.app.auth;

import io.quarkus.elytron.security.common.BcryptUtil;

import java.nio.charset.StandardCharsets;

/** bcrypt through Quarkus' Elytron helper; also the password rules. */
public final class Passwords {
    static final int MIN_LENGTH = 8;
    /** bcrypt ignores everything past 72 bytes: refuse longer passwords rather than silently truncate them. */
    static final int MAX_BYTES = 72;
    private static final int COST = 10;
    /** Hash compared against when the user does not exist, so the response time does not reveal it. */
    private static final String DUMMY_HASH = BcryptUtil.bcryptHash("not-a-real-password", COST);

    private Passwords() {
    }

    public static String hash(String password) {
        return BcryptUtil.bcryptHash(password, COST);
    }

    public static boolean matches(String password, String hash) {
        return BcryptUtil.matches(password, hash);
    }

    static void burnTime(String password) {
        BcryptUtil.matches(password, DUMMY_HASH);
    }

    /** Returns the reason a password is refused, or null when it is acceptable. */
    static String problem(String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            return "Password must have at least " + MIN_LENGTH + " characters";
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "Password must be at most " + MAX_BYTES + " bytes";
        }
        return null;
    }
}
