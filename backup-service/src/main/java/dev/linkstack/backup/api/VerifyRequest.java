package dev.linkstack.backup.api;

/** Optional body of POST /api/backups/{id}/verify: the age private key of an encrypted backup (used once, never stored). */
@io.quarkus.runtime.annotations.RegisterForReflection // parsed by hand from the optional body
public record VerifyRequest(String identity) {
}
