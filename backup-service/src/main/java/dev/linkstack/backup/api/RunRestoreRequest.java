package dev.linkstack.backup.api;

/** Body of POST /api/backups/runs/{runId}/restore: {@code confirm} repeats the run id; {@code identity} for encrypted runs. */
public record RunRestoreRequest(String confirm, String identity) {
}
