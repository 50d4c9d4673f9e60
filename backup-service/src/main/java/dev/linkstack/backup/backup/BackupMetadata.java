package dev.linkstack.backup.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;

/** The JSON file written beside every completed dump; its presence is what makes a dump a listed backup. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupMetadata(
        String id,
        String status,
        String database,
        String host,
        int port,
        BackupFormat format,
        String file,
        long sizeBytes,
        String sha256,
        Instant startedAt,
        Instant finishedAt,
        long durationMillis,
        String pgDumpVersion,
        String serverVersion,
        String trigger) {

    public static final String SUCCEEDED = "succeeded";

    public boolean succeeded() {
        return SUCCEEDED.equals(status);
    }
}
