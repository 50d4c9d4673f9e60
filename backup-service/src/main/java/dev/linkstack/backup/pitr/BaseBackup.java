package dev.linkstack.backup.pitr;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A published base backup ({@code <backup dir>/base/<id>/base.json}): pg_basebackup's tar files (gzip) and manifest,
 * each with its size and SHA-256, and the WAL range it needs (from its manifest). {@code endedAt} is when
 * pg_basebackup returned, so the backup ended on the server no later than that. {@code signature}: the HMAC of
 * {@link #signedContent()} by BACKUP_SIGNING_KEY, null when made without one.
 */
public record BaseBackup(String id, Instant startedAt, Instant endedAt, int timeline, String startLsn, String endLsn,
                         String serverVersion, String pgBasebackup, String trigger, Map<String, FileSum> files, String signature) {

    public record FileSum(long sizeBytes, String sha256) {
    }

    /** Unsigned. */
    public BaseBackup(String id, Instant startedAt, Instant endedAt, int timeline, String startLsn, String endLsn, String serverVersion,
                      String pgBasebackup, String trigger, Map<String, FileSum> files) {
        this(id, startedAt, endedAt, timeline, startLsn, endLsn, serverVersion, pgBasebackup, trigger, files, null);
    }

    public BaseBackup withSignature(String signature) {
        return new BaseBackup(id, startedAt, endedAt, timeline, startLsn, endLsn, serverVersion, pgBasebackup, trigger, files, signature);
    }

    /** The SHA-256 of each file, by name. */
    public Map<String, String> checksums() {
        Map<String, String> sums = new TreeMap<>();
        files.forEach((name, sum) -> sums.put(name, sum.sha256()));
        return sums;
    }

    /** What the signature covers: what names the base backup, the WAL range it needs and every file's size and checksum. */
    public String signedContent() {
        StringBuilder content = new StringBuilder(String.join("\n", "linkstack-base-backup-v1", id, String.valueOf(startedAt),
                String.valueOf(endedAt), String.valueOf(timeline), startLsn, endLsn, serverVersion));
        new TreeMap<>(files).forEach((name, sum) -> content.append('\n').append(name).append(' ').append(sum.sizeBytes()).append(' ').append(sum.sha256()));
        return content.toString();
    }
}
