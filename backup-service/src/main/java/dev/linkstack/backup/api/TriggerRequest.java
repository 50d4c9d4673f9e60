package dev.linkstack.backup.api;

import dev.linkstack.backup.backup.BackupFormat;

/** Optional body of POST /api/backups; without it the configured format is used. */
public record TriggerRequest(BackupFormat format) {
}
