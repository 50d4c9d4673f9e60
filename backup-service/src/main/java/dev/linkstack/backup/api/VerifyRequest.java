package dev.linkstack.backup.api;

/** Optional body of POST /api/backups/{id}/verify: the age private key of an encrypted backup (used once, never stored). */
public record VerifyRequest(String identity) {
}
