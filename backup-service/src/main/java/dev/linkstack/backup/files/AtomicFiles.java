package dev.linkstack.backup.files;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that appear complete or not at all: written under a hidden partial name beside the target, fsynced, renamed
 * atomically, then the directory fsynced so the rename itself survives a crash.
 */
public final class AtomicFiles {
    private static final Logger LOG = Logger.getLogger(AtomicFiles.class);
    public static final String PARTIAL_SUFFIX = ".partial";

    private AtomicFiles() {
    }

    /** The hidden name a file is written under until it is complete: {@code .<name>.partial} beside it. */
    public static Path partialOf(Path target) {
        return target.resolveSibling("." + target.getFileName() + PARTIAL_SUFFIX);
    }

    /** Writes {@code content} to {@code target} atomically (replacing it); a failure leaves no partial file. */
    public static void write(Path target, byte[] content) throws IOException {
        Path partial = partialOf(target);
        Files.deleteIfExists(partial);
        try {
            Files.write(partial, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            publish(partial, target);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Gives a fully written partial file its final name: fsync, atomic rename, fsync of the directory. */
    public static void publish(Path partial, Path target) throws IOException {
        fsync(partial);
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the backup directory does not support atomic renames: " + e.getMessage(), e);
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    public static void fsync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Makes renames and deletions in a directory durable. */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for fsync; the data itself is already synced.
            LOG.debugf("directory fsync not supported on %s: %s", dir, e.getMessage());
        }
    }

    /** Removes a partial file after a failure; a leftover hidden partial is harmless, so this never throws. */
    public static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("cannot remove partial file %s: %s", file, e.getMessage());
        }
    }
}
