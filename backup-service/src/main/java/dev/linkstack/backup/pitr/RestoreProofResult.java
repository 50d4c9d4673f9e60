package dev.linkstack.backup.pitr;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.linkstack.backup.model.TableRows;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one proof of a point-in-time restore, kept in {@code <backup dir>/pitr-proofs/<id>.json}: what was
 * restored to which target, what recovery reached (the last WAL record replayed, the commit time of the last
 * transaction, recovery's own log lines), the rows per table and the probe's answer, and whether the scratch server and
 * directory are gone again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@io.quarkus.runtime.annotations.RegisterForReflection(targets = {RestoreProofResult.class, TableRows.class})
public record RestoreProofResult(String id, String trigger, boolean ok, String error, String target, String baseBackupId, Integer walSegments,
                                 String reachedLsn, Instant lastTransactionAt, List<String> recoveryLog, String database,
                                 List<TableRows> tables, Long totalRows, String probeQuery, String probeResult, Instant startedAt,
                                 Instant finishedAt, long durationMillis, String scratchDirectory, boolean cleanedUp) {
}
