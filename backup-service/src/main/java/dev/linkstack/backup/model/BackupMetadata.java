package dev.linkstack.backup.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;
import java.util.List;

/** The JSON file written beside every completed dump; its presence is what makes a dump a listed backup. */
@JsonIgnoreProperties(ignoreUnknown = true)
// Also read and written by the store's own mapper, outside the REST build steps.
@io.quarkus.runtime.annotations.RegisterForReflection(targets = {BackupMetadata.class, BackupMetadata.Verification.class,
        TableRows.class})
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
        String trigger,
        /** Rows per table in the dump's snapshot, compared by verification; null when they could not be taken. */
        List<TableRows> tableRows,
        /** "age-x25519" when the dump file is encrypted (and ends in .age); null for plain files. */
        String encryption,
        /** Outcome of the newest verify (on demand or scheduled); null until verified. */
        Verification lastVerification) {

    public static final String SUCCEEDED = "succeeded";

    public BackupMetadata withVerification(Verification verification) {
        return new BackupMetadata(id, status, database, host, port, format, file, sizeBytes, sha256, startedAt, finishedAt, durationMillis,
                pgDumpVersion, serverVersion, trigger, tableRows, encryption, verification);
    }

    /** When and how a backup was last proven to restore. */
    public record Verification(Instant at, boolean ok, String trigger, String error, long durationMillis) {
    }

    public boolean encrypted() {
        return encryption != null;
    }

    public boolean succeeded() {
        return SUCCEEDED.equals(status);
    }
}
