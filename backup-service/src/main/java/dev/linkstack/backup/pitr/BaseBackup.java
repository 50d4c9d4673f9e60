package dev.linkstack.backup.pitr;

import java.time.Instant;
import java.util.Map;

/**
 * A published base backup ({@code <backup dir>/base/<id>/base.json}): pg_basebackup's tar files (gzip) and manifest,
 * each with its size and SHA-256, and the WAL range it needs (from its manifest). {@code endedAt} is when
 * pg_basebackup returned, so the backup ended on the server no later than that.
 */
public record BaseBackup(String id, Instant startedAt, Instant endedAt, int timeline, String startLsn, String endLsn,
                         String serverVersion, String pgBasebackup, String trigger, Map<String, FileSum> files) {

    public record FileSum(long sizeBytes, String sha256) {
    }
}
