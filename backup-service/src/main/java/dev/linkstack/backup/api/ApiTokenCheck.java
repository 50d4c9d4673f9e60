package dev.linkstack.backup.api;

import dev.linkstack.backup.config.BackupConfig;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/** The configured API token, compared in constant time (for the REST API and the backups page's sign-in). */
@Singleton
public class ApiTokenCheck {
    private final Optional<byte[]> expectedDigest;

    ApiTokenCheck(BackupConfig config) {
        this.expectedDigest = config.api().token().filter(token -> !token.isBlank()).map(ApiTokenCheck::sha256);
    }

    public boolean configured() {
        return expectedDigest.isPresent();
    }

    public boolean accepts(String presented) {
        // Comparing fixed-length digests in constant time leaks neither the token nor its length.
        return presented != null && expectedDigest.isPresent() && MessageDigest.isEqual(sha256(presented.trim()), expectedDigest.get());
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
