package dev.linkstack.backup.api;

import dev.linkstack.backup.model.BackupFormat;

/** Optional body of POST /api/backups; without it the configured format is used. */
// Parsed by hand from the optional body, so no REST build step registers it (the native image then cannot build it).
@io.quarkus.runtime.annotations.RegisterForReflection(targets = {TriggerRequest.class, BackupFormat.class})
public record TriggerRequest(BackupFormat format) {
}
