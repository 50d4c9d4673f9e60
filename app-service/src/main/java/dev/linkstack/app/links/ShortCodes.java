package dev.linkstack.app.links;

import dev.linkstack.app.config.AppConfig;
import jakarta.inject.Singleton;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Rules for short codes, and the generator of random ones. */
@Singleton // no client proxy: called for every redirect
public class ShortCodes {
    static final Pattern CUSTOM = Pattern.compile("[A-Za-z0-9_-]{3,64}");
    /** No look-alikes (0/O, 1/l/I) in generated codes: people type them from paper. */
    private static final char[] ALPHABET = "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ".toCharArray();

    private final SecureRandom random = new SecureRandom();
    private final Set<String> reserved;
    private final int generatedLength;

    ShortCodes(AppConfig config) {
        this.reserved = config.links().reservedCodes().stream().map(c -> c.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.generatedLength = config.links().generatedCodeLength();
    }

    /** Returns why a custom code is refused, or null when it is acceptable. */
    public String problem(String code) {
        if (!CUSTOM.matcher(code).matches()) {
            return "Code must be 3-64 characters of letters, digits, '_' or '-'";
        }
        if (reserved.contains(code.toLowerCase(Locale.ROOT))) {
            return "Code '" + code + "' is reserved";
        }
        return null;
    }

    /** Whether a code is one of the names kept for the service's own paths. */
    public boolean isReserved(String code) {
        return reserved.contains(code.toLowerCase(Locale.ROOT));
    }

    /** Cheap check for the redirect path: anything else can never be a stored code. */
    public static boolean couldExist(String code) {
        int length = code.length();
        if (length < 3 || length > 64) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = code.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** A random code; {@code extraLength} grows it after repeated collisions. */
    public String generate(int extraLength) {
        char[] code = new char[generatedLength + extraLength];
        for (int i = 0; i < code.length; i++) {
            code[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        String candidate = new String(code);
        return reserved.contains(candidate.toLowerCase(Locale.ROOT)) ? generate(extraLength) : candidate;
    }
}
