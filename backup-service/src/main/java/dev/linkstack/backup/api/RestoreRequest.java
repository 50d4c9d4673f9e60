package dev.linkstack.backup.api;

/** Body of POST /api/backups/{id}/restore; {@code confirm} must repeat the database name. */
public record RestoreRequest(String database, String confirm) {
}
