package dev.linkstack.backup.pitr;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A published base backup ({@code <backup dir>/base/<id>/base.json}): pg_basebackup's tar files (gzip) and manifest,
 * each with its size and SHA-256, and the WAL range it needs (from its manifest). {@code endedAt} is when
 * pg_basebackup returned, so the backup ended on the server no later than that. {@code signature}: the HMAC of
 * {@link #signedContent()} by BACKUP_SIGNING_KEY, null when made without one. {@code parent}: for an incremental base
 * backup (pg_basebackup --incremental), the id of the base backup whose manifest it was taken against; null for a full one.
 */
@JsonIgnoreProperties(value = "type", allowGetters = true)
public record BaseBackup(String id, Instant startedAt, Instant endedAt, int timeline, String startLsn, String endLsn,
                         String serverVersion, String pgBasebackup, String trigger, Map<String, FileSum> files, String signature,
                         String parent) {

    public static final String FULL = "full";
    public static final String INCREMENTAL = "incremental";

    public record FileSum(long sizeBytes, String sha256) {
    }

    /** Unsigned. */
    public BaseBackup(String id, Instant startedAt, Instant endedAt, int timeline, String startLsn, String endLsn, String serverVersion,
                      String pgBasebackup, String trigger, Map<String, FileSum> files, String parent) {
        this(id, startedAt, endedAt, timeline, startLsn, endLsn, serverVersion, pgBasebackup, trigger, files, null, parent);
    }

    public BaseBackup withSignature(String signature) {
        return new BaseBackup(id, startedAt, endedAt, timeline, startLsn, endLsn, serverVersion, pgBasebackup, trigger, files, signature, parent);
    }

    /** "full", or "incremental" (on {@link #parent}). */
    @JsonProperty("type")
    public String type() {
        return parent == null ? FULL : INCREMENTAL;
    }

    /** The server's major version, from {@link #serverVersion} ("17.12 (Debian ...)": 17); 0 when unreadable. */
    int serverMajor() {
        String digits = serverVersion == null ? "" : serverVersion.replaceFirst("^(\\d+).*", "$1");
        return digits.matches("\\d+") ? Integer.parseInt(digits) : 0;
    }

    /** The SHA-256 of each file, by name. */
    public Map<String, String> checksums() {
        Map<String, String> sums = new TreeMap<>();
        files.forEach((name, sum) -> sums.put(name, sum.sha256()));
        return sums;
    }

    /**
     * What the signature covers: what names the base backup, the WAL range it needs, every file's size and checksum, and
     * an incremental one's parent (a full one's content is as before incremental backups existed, so its signature holds).
     */
    public String signedContent() {
        StringBuilder content = new StringBuilder(String.join("\n", "linkstack-base-backup-v1", id, String.valueOf(startedAt),
                String.valueOf(endedAt), String.valueOf(timeline), startLsn, endLsn, serverVersion));
        new TreeMap<>(files).forEach((name, sum) -> content.append('\n').append(name).append(' ').append(sum.sizeBytes()).append(' ').append(sum.sha256()));
        if (parent != null) {
            content.append("\nparent ").append(parent);
        }
        return content.toString();
    }
}
