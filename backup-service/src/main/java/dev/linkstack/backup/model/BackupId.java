package dev.linkstack.backup.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Backup ids double as file names, so they are built and checked against one strict pattern:
 * {@code <database slug>-<UTC yyyyMMdd'T'HHmmssSSS'Z'>}. Nothing else (no dots, no slashes) ever reaches the disk.
 */
public final class BackupId {
    private static final Pattern VALID = Pattern.compile("[a-z0-9_]{1,40}-[0-9]{8}T[0-9]{9}Z");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private BackupId() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    public static String create(String database, Instant startedAt) {
        return slug(database) + "-" + stamp(startedAt);
    }

    /** The UTC start time as ids carry it: {@code yyyyMMdd'T'HHmmssSSS'Z'}. */
    static String stamp(Instant startedAt) {
        return STAMP.format(startedAt);
    }

    /** Database names may hold any character; the id keeps a readable, file-name-safe form of it. */
    public static String slug(String database) {
        String slug = database.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (slug.isEmpty()) {
            slug = "db";
        }
        return slug.length() > 40 ? slug.substring(0, 40) : slug;
    }
}
