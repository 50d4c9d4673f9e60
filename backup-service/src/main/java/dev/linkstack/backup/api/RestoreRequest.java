package dev.linkstack.backup.api;

/**
 * Body of POST /api/backups/{id}/restore; {@code confirm} must repeat the database name. {@code identity} is the
 * age private key of an encrypted backup; it is used for this restore only and never stored or logged.
 */
public record RestoreRequest(String database, String confirm, String identity) {
}
