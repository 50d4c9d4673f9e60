package dev.linkstack.backup.restore;

import dev.linkstack.backup.model.TableRows;

import java.util.List;

/** A completed restore: where the backup went and what the database holds now. */
public record RestoreResult(String backupId, String database, boolean createdDatabase, List<TableRows> tables, long durationMillis) {
}
