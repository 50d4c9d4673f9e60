package dev.linkstack.backup.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/** SHA-256 of files, streamed, and the one check of a stored file against the checksum recorded for it. */
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

    /**
     * Why a stored file does not match the checksum recorded for it, or cannot be read; empty when it matches. A file
     * with no checksum recorded has a problem too: nothing proves it whole.
     */
    public static Optional<String> problem(Path file, String expectedSha256) {
        if (expectedSha256 == null || expectedSha256.isBlank()) {
            return Optional.of("it has no checksum");
        }
        try {
            String actual = sha256(file);
            return actual.equalsIgnoreCase(expectedSha256) ? Optional.empty()
                    : Optional.of("checksum mismatch: metadata says " + expectedSha256 + ", file has " + actual);
        } catch (IOException e) {
            return Optional.of("cannot read " + file.getFileName() + ": " + e.getMessage());
        }
    }

    /**
     * The first problem of a set of files in one directory, each with the checksum recorded for it, as
     * {@code "<name>: <problem>"}; empty when every file matches.
     */
    public static Optional<String> firstProblem(Path dir, Map<String, String> sha256ByName) {
        for (Map.Entry<String, String> file : sha256ByName.entrySet()) {
            Optional<String> problem = problem(dir.resolve(file.getKey()), file.getValue());
            if (problem.isPresent()) {
                return Optional.of(file.getKey() + ": " + problem.get());
            }
        }
        return Optional.empty();
    }
}
