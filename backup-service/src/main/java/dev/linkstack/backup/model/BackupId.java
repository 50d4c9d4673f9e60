package dev.linkstack.backup.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
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
    private static final Pattern PLAIN = Pattern.compile("[a-z0-9_]{1,40}");
    /** Room for the readable part when a name is not its own slug: 31 characters, "_" and 8 hex digits of its hash. */
    private static final int READABLE = 31;
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

    /**
     * Database names may hold any character; the id keeps a readable, file-name-safe form of it. A name that is already
     * file-name safe is its own slug; any other gets a hash of its exact spelling, so {@code Shop} and {@code shop}, or
     * {@code a-b} and {@code a_b}, never share an id within a run.
     */
    public static String slug(String database) {
        if (PLAIN.matcher(database).matches()) {
            return database;
        }
        if (database.isEmpty()) {
            return "db";
        }
        String readable = database.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return (readable.length() > READABLE ? readable.substring(0, READABLE) : readable) + "_" + shortHash(database);
    }

    private static String shortHash(String database) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(database.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
