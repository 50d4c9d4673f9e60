package dev.linkstack.backup.dump;

import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.files.DigestingOutputStream;
import dev.linkstack.backup.model.BackupFormat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Where a dump's bytes go on their way to disk: compressed, then encrypted when a recipient is set, then hashed and
 * counted, so size and checksum describe the file exactly as stored.
 */
final class DumpSink implements AutoCloseable {
    private final OutputStream file;
    private final DigestingOutputStream digest;
    private final OutputStream input;

    private DumpSink(OutputStream file, DigestingOutputStream digest, OutputStream input) {
        this.file = file;
        this.digest = digest;
        this.input = input;
    }

    /** A new file (never one that exists) written in {@code format}, encrypted for {@code recipient} if present. */
    static DumpSink create(Path partial, BackupFormat format, Optional<String> recipient) throws IOException {
        OutputStream file = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            DigestingOutputStream digest = new DigestingOutputStream(file);
            OutputStream encrypted = recipient.isPresent() ? AgeEncryption.encrypting(digest, recipient.get()) : digest;
            return new DumpSink(file, digest, format.compressing(encrypted));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Where the program's output is copied to. */
    OutputStream input() {
        return input;
    }

    /** Closes the chain (the compressor and the encryption write their trailers through the digest) and reports what was stored. */
    Written finish() throws IOException {
        input.close();
        return new Written(digest.count(), digest.sha256Hex());
    }

    @Override
    public void close() throws IOException {
        try {
            input.close();
        } finally {
            file.close();
        }
    }

    record Written(long sizeBytes, String sha256) {
    }
}
