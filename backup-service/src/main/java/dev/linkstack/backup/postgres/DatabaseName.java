package dev.linkstack.backup.postgres;

import java.util.regex.Pattern;

/** Database names accepted from API and command-line users: plain identifiers only, always quoted in SQL anyway. */
public final class DatabaseName {
    private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,62}");

    private DatabaseName() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    public static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
