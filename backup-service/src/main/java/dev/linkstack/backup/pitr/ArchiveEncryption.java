package dev.linkstack.backup.pitr;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.files.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Encryption at rest of the point-in-time recovery archive, with the dumps' setting (BACKUP_ENCRYPTION_RECIPIENT):
 * gzipped WAL segments are stored as {@code <segment>.gz.age}, the files pg_basebackup writes as {@code <file>.age}.
 * Files are read back by their name: {@code .age} ones need the identity, plain ones are read as they are, so an archive
 * begun before encryption was set still restores.
 */
public final class ArchiveEncryption {
    private ArchiveEncryption() {
    }

    /** The age recipient new archive files are encrypted for, or empty when encryption is off. */
    public static Optional<String> recipient(BackupConfig config) {
        return config.encryption().recipient().filter(r -> !r.isBlank());
    }

    public static boolean isEncrypted(Path file) {
        return file.getFileName().toString().endsWith(AgeEncryption.EXTENSION);
    }

    /** Replaces {@code file} by {@code <file>.age}, written and published atomically before the plain file goes. */
    static Path encryptInPlace(Path file, String recipient) throws IOException {
        Path encrypted = file.resolveSibling(file.getFileName() + AgeEncryption.EXTENSION);
        Path partial = AtomicFiles.partialOf(encrypted);
        try {
            try (InputStream in = Files.newInputStream(file); OutputStream out = AgeEncryption.encrypting(AtomicFiles.createPrivate(partial), recipient)) {
                in.transferTo(out);
            }
            AtomicFiles.publish(partial, encrypted);
        } finally {
            AtomicFiles.deleteQuietly(partial);
        }
        Files.delete(file);
        return encrypted;
    }

    /** The file's stored content, decrypted when it is an {@code .age} file. */
    static InputStream open(Path file, Optional<String> identity) throws IOException {
        InputStream raw = Files.newInputStream(file);
        if (!isEncrypted(file)) {
            return raw;
        }
        try {
            return AgeEncryption.decrypting(raw, identity.orElseThrow(() -> new IOException(file.getFileName() + " is encrypted and no identity was given")));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
