package dev.linkstack.backup.api;

/** Bodies of the point-in-time recovery endpoints. */
public final class PitrRequests {
    private PitrRequests() {
    }

    /** POST /api/pitr/restore-points: {@code {"name": "before-migration"}}. */
    public record RestorePointRequest(String name) {
    }

    /**
     * POST /api/pitr/restore: a new data directory and either {@code target} ("latest" or an ISO-8601 time with offset)
     * or {@code restorePoint} (the name of one made through the service); {@code identity}, the age private key, when
     * the archive is encrypted; {@code source}: "local" (the default) or "offsite", which first brings back from the
     * off-site copy what the local archive lacks.
     */
    public record RestoreRequest(String directory, String target, String restorePoint, String identity, String source) {
    }
}
