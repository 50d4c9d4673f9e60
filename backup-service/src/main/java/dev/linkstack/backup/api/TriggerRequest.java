package dev.linkstack.backup.api;

import dev.linkstack.backup.model.BackupFormat;

/** Optional body of POST /api/backups; without it the configured format is used. */
// BackupFormat is read through its @JsonCreator, which the REST build steps do not register for reflection.
@io.quarkus.runtime.annotations.RegisterForReflection(targets = {TriggerRequest.class, BackupFormat.class})
public record TriggerRequest(BackupFormat format) {
}
