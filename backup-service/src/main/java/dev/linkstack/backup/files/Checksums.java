package dev.linkstack.backup.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/** SHA-256 of files, streamed. */
public final class Checksums {
    private Checksums() {
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest digest = DigestingOutputStream.newSha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Why a stored file does not match the checksum recorded for it; empty when it does. */
    public static Optional<String> problem(Path file, String expectedSha256) {
        try {
            String actual = sha256(file);
            return actual.equalsIgnoreCase(expectedSha256) ? Optional.empty()
                    : Optional.of("checksum mismatch: metadata says " + expectedSha256 + ", file has " + actual);
        } catch (IOException e) {
            return Optional.of("cannot read " + file.getFileName() + ": " + e.getMessage());
        }
    }
}
