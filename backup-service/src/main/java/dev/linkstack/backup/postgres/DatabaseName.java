package dev.linkstack.backup.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Database names accepted from API and command-line users: plain identifiers only, always quoted in SQL anyway. */
public final class DatabaseName {
    private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,62}");

    private DatabaseName() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Any name PostgreSQL accepts (from pg_database or a backup's metadata): never empty, at most 63 bytes, no NUL. */
    public static boolean isPostgresName(String name) {
        return name != null && !name.isEmpty() && name.indexOf('\0') < 0 && name.getBytes(StandardCharsets.UTF_8).length <= 63;
    }

    /** The name as the path of a JDBC URL: pgjdbc URL-decodes it, so '?', '%', '/' and spaces stay part of the name. */
    public static String inJdbcUrl(String database) {
        return URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * The name as a libpq {@code --dbname}: a bare value containing '=' or starting with a URI scheme would be read as
     * a connection string, so it is always given as a quoted {@code dbname='...'} keyword.
     */
    public static String asConninfo(String database) {
        return "dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    public static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
