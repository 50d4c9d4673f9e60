package dev.linkstack.backup.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.files.StoreJson;
import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupMetadata;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The backup directory. A backup is listed only when both its dump and its metadata file exist; both reach their
 * final names by an atomic rename after an fsync, so a crash or a killed pg_dump never leaves a listed half-backup.
 * Files that do not follow the service's naming are never read, changed or deleted.
 */
@Singleton
public class BackupStore {
    private static final Logger LOG = Logger.getLogger(BackupStore.class);
    private static final String METADATA_SUFFIX = ".json";
    private static final String PARTIAL_SUFFIX = AtomicFiles.PARTIAL_SUFFIX;
    private static final Pattern METADATA_NAME = Pattern.compile("(.+)\\.json");
    private static final Pattern PARTIAL_NAME = Pattern.compile("\\.([a-z0-9_]{1,40})-[0-9]{8}T[0-9]{9}Z(\\.sql\\.gz|\\.sql\\.zst|\\.dump|\\.json)(\\.age)?\\.partial");

    private final Path dir;
    private final ObjectMapper json = StoreJson.MAPPER;

    @Inject
    public BackupStore(BackupConfig config) {
        this(config.dir());
    }

    public BackupStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** Completed backups, newest first. */
    public List<BackupMetadata> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<BackupMetadata> backups = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + METADATA_SUFFIX)) {
            for (Path file : files) {
                Matcher name = METADATA_NAME.matcher(file.getFileName().toString());
                if (name.matches() && BackupId.isValid(name.group(1))) {
                    read(name.group(1)).ifPresent(backups::add);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        backups.sort(Comparator.comparing(BackupMetadata::startedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(BackupMetadata::id).reversed());
        return backups;
    }

    /** The backup with this id; empty for unknown and for invalid ids alike. */
    public Optional<BackupMetadata> find(String id) {
        return BackupId.isValid(id) ? read(id) : Optional.empty();
    }

    /** Where the dump of a backup lives; derived from the validated id, never from file contents. */
    public Path dumpFile(BackupMetadata backup) {
        return dumpFile(backup.id(), backup.format(), backup.encrypted());
    }

    public Path dumpFile(String id, BackupFormat format, boolean encrypted) {
        requireValid(id);
        return dir.resolve(id + format.extension() + (encrypted ? AgeEncryption.EXTENSION : ""));
    }

    /** Hidden, never-listed name a dump is written under until it is complete. */
    public Path partialFile(String id, BackupFormat format, boolean encrypted) {
        requireValid(id);
        return AtomicFiles.partialOf(dumpFile(id, format, encrypted));
    }

    /** Creates the directory if needed and proves it takes a durable write. */
    public void ensureWritable() throws IOException {
        Files.createDirectories(dir);
        Path probe = Files.createTempFile(dir, ".write-probe-", PARTIAL_SUFFIX);
        try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {1}));
            channel.force(true);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /**
     * Gives a fully written, fsynced partial dump its final name and writes the metadata beside it. The metadata
     * goes last: until it exists, the dump is not a backup. If the metadata cannot be written, the dump goes too.
     */
    public void publish(Path partialDump, BackupMetadata metadata) throws IOException {
        Path dump = dumpFile(metadata);
        if (Files.exists(dump) || Files.exists(metadataFile(metadata.id()))) {
            throw new IOException("backup " + metadata.id() + " already exists");
        }
        AtomicFiles.publish(partialDump, dump);
        try {
            AtomicFiles.write(metadataFile(metadata.id()), json.writeValueAsBytes(metadata));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(dump);
            throw e;
        }
    }

    /** Deletes a backup: metadata first, so an interrupted delete leaves an unlisted file rather than a broken backup. */
    public boolean delete(String id) throws IOException {
        Optional<BackupMetadata> backup = find(id);
        if (backup.isEmpty()) {
            return false;
        }
        Files.deleteIfExists(metadataFile(id));
        AtomicFiles.fsyncDirectory(dir);
        Files.deleteIfExists(dumpFile(backup.get()));
        return true;
    }

    /**
     * Removes partial files a crashed run for this database left behind. Called while holding the database's
     * backup lock, so no other instance is writing them right now.
     */
    public List<Path> removeLeftoverPartials(String database) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String slug = BackupId.slug(database);
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*" + PARTIAL_SUFFIX)) {
            for (Path file : files) {
                Matcher name = PARTIAL_NAME.matcher(file.getFileName().toString());
                if (name.matches() && name.group(1).equals(slug) && Files.deleteIfExists(file)) {
                    removed.add(file);
                }
            }
        }
        return removed;
    }

    /**
     * Records the outcome of a verification in the backup's metadata (replaced atomically). Returns false when the
     * backup is gone meanwhile, e.g. deleted by retention: its metadata is not brought back.
     */
    public synchronized boolean recordVerification(String id, BackupMetadata.Verification verification) throws IOException {
        Optional<BackupMetadata> current = find(id);
        if (current.isEmpty()) {
            return false;
        }
        AtomicFiles.write(metadataFile(id), json.writeValueAsBytes(current.get().withVerification(verification)));
        return true;
    }

    /** Writes metadata for an existing dump file; used by tests and tools that import dumps. */
    public void writeMetadata(BackupMetadata metadata) throws IOException {
        AtomicFiles.write(metadataFile(metadata.id()), json.writeValueAsBytes(metadata));
    }

    private Optional<BackupMetadata> read(String id) {
        Path file = metadataFile(id);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            BackupMetadata metadata = json.readValue(file.toFile(), BackupMetadata.class);
            if (!id.equals(metadata.id()) || metadata.format() == null || !Files.isRegularFile(dumpFile(metadata))) {
                return Optional.empty();
            }
            return Optional.of(metadata);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("ignoring %s: %s", file, e.getMessage());
            return Optional.empty();
        }
    }

    private Path metadataFile(String id) {
        requireValid(id);
        return dir.resolve(id + METADATA_SUFFIX);
    }

    private static void requireValid(String id) {
        if (!BackupId.isValid(id)) {
            throw new IllegalArgumentException("invalid backup id");
        }
    }

    /** The directory could not be read. */
    public static class StoreException extends RuntimeException {
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
