package dev.linkstack.backup.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** One run of a backup, as reported by the job status endpoint. Immutable: every state change is a new value. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupJob(
        String id,
        State state,
        String trigger,
        String database,
        BackupFormat format,
        Instant startedAt,
        Instant finishedAt,
        String backupId,
        String error,
        List<String> deletedByRetention) {

    public enum State {
        RUNNING, SUCCEEDED, FAILED
    }

    public static BackupJob running(String id, String trigger, String database, BackupFormat format, Instant startedAt) {
        return new BackupJob(id, State.RUNNING, trigger, database, format, startedAt, null, null, null, null);
    }

    public BackupJob succeeded(Instant finishedAt, String backupId, List<String> deleted) {
        return new BackupJob(id, State.SUCCEEDED, trigger, database, format, startedAt, finishedAt, backupId, null, deleted);
    }

    public BackupJob failed(Instant finishedAt, String error) {
        return new BackupJob(id, State.FAILED, trigger, database, format, startedAt, finishedAt, null, error, null);
    }

    public boolean finished() {
        return state != State.RUNNING;
    }
}
