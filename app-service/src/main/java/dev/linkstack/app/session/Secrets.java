package dev.linkstack.app.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets handed to clients and the digests we store instead of them. */
public final class Secrets {
    // Created on first use, not in a static initialiser: a native image initialises classes at build time, and a
    // SecureRandom seeded there would be frozen into the executable (native-image refuses it).
    private static volatile SecureRandom random;

    private Secrets() {
    }

    /** URL-safe random string carrying the given number of random bytes. */
    public static String random(int bytes) {
        byte[] buffer = new byte[bytes];
        generator().nextBytes(buffer);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
    }

    private static SecureRandom generator() {
        SecureRandom current = random;
        if (current == null) {
            synchronized (Secrets.class) {
                if (random == null) {
                    random = new SecureRandom();
                }
                current = random;
            }
        }
        return current;
    }

    /**
     * SHA-256 in hex. Enough for high-entropy secrets (session ids, API tokens): unlike passwords they cannot be
     * guessed, so a fast digest suits the per-request lookup.
     */
    public static String sha256Hex(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
