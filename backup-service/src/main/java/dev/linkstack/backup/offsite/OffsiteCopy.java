package dev.linkstack.backup.offsite;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.files.AtomicFiles;
import dev.linkstack.backup.files.DigestingOutputStream;
import dev.linkstack.backup.files.StoreJson;
import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.retention.RetentionPolicy;
import dev.linkstack.backup.retention.RetentionService;
import dev.linkstack.backup.store.BackupStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The off-site copy of each backup in S3-compatible storage: the dump is uploaded in parts, read back and checked
 * against its SHA-256, and only then is the metadata object written, so a listed copy is always complete and
 * verified. It has its own retention, and a copy can be fetched back when the local one is gone.
 */
@Singleton
public class OffsiteCopy {
    private static final Logger LOG = Logger.getLogger(OffsiteCopy.class);
    private static final String METADATA_SUFFIX = ".json";

    private final BackupConfig.Offsite config;
    private final BackupStore local;
    private final RetentionPolicy retention;
    private final ObjectMapper json = StoreJson.MAPPER;
    private OffsiteStore store; // guarded by this

    @Inject
    public OffsiteCopy(BackupConfig config, BackupStore local, Clock clock) {
        this.config = config.offsite();
        this.local = local;
        this.retention = new RetentionPolicy(RetentionService.offsiteRules(this.config), clock);
    }

    public boolean enabled() {
        return config.endpoint().isPresent();
    }

    /** Uploads, verifies and lists one backup off-site. */
    public void copy(BackupMetadata backup) throws IOException {
        OffsiteStore s3 = store();
        String dumpKey = key(backup.file());
        uploadVerified(local.dumpFile(backup), dumpKey, backup.sha256(), backup.id());
        // The metadata goes last: until it exists the copy is not listed.
        s3.putSmall(key(backup.id() + METADATA_SUFFIX), json.writeValueAsBytes(backup));
        LOG.infof("backup %s copied to s3://%s/%s (checksum verified)", backup.id(), s3.bucket(), dumpKey);
    }

    /** Completed off-site copies, newest first. */
    public List<BackupMetadata> list() {
        OffsiteStore s3 = store();
        List<BackupMetadata> copies = new ArrayList<>();
        for (String key : s3.list(prefix())) {
            String name = key.substring(prefix().length());
            if (!name.endsWith(METADATA_SUFFIX) || !BackupId.isValid(name.substring(0, name.length() - METADATA_SUFFIX.length()))) {
                continue;
            }
            try {
                copies.add(json.readValue(s3.getBytes(key), BackupMetadata.class));
            } catch (IOException | RuntimeException e) {
                LOG.debugf("ignoring off-site object %s: %s", key, e.getMessage());
            }
        }
        copies.sort(Comparator.comparing(BackupMetadata::startedAt).reversed());
        return copies;
    }

    public Optional<BackupMetadata> find(String id) {
        return BackupId.isValid(id) ? list().stream().filter(b -> b.id().equals(id)).findFirst() : Optional.empty();
    }

    /** Applies the off-site retention to one database's copies; metadata goes first, then the dump. */
    public List<String> applyRetention(String database) {
        OffsiteStore s3 = store();
        List<String> deleted = new ArrayList<>();
        List<BackupMetadata> candidates = list().stream().filter(b -> database.equals(b.database())).toList();
        for (BackupMetadata backup : retention.decide(candidates).delete()) {
            s3.delete(key(backup.id() + METADATA_SUFFIX));
            s3.delete(key(backup.file()));
            deleted.add(backup.id());
            LOG.infof("off-site retention deleted %s", backup.id());
        }
        return deleted;
    }

    /**
     * Brings an off-site copy back into the backup directory (checksum checked), where it can be verified and
     * restored like any local backup. Returns the local metadata.
     */
    public BackupMetadata fetch(BackupMetadata copy) throws IOException {
        Optional<BackupMetadata> present = local.find(copy.id());
        if (present.isPresent()) {
            return present.get();
        }
        local.ensureWritable();
        Path partial = local.partialFile(copy.id(), copy.format(), copy.encrypted());
        try {
            DigestingOutputStream digest;
            try (InputStream in = store().get(key(copy.file()));
                 OutputStream out = AtomicFiles.createPrivate(partial);
                 DigestingOutputStream digesting = new DigestingOutputStream(out)) {
                digest = digesting;
                in.transferTo(digesting);
            }
            if (!digest.sha256Hex().equalsIgnoreCase(copy.sha256())) {
                throw new IOException("off-site copy of " + copy.id() + " is damaged: sha256 " + digest.sha256Hex() + ", expected " + copy.sha256());
            }
            local.publish(partial, copy);
            LOG.infof("backup %s fetched from off-site storage", copy.id());
            return local.find(copy.id()).orElseThrow(() -> new IOException("fetched backup " + copy.id() + " is not listed"));
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Uploads a local file as {@code key}, reads it back and checks it against {@code sha256}; a copy that reads back
     * otherwise is removed again.
     */
    public void uploadVerified(Path file, String key, String sha256, String what) throws IOException {
        OffsiteStore s3 = store();
        try (InputStream content = Files.newInputStream(file)) {
            s3.upload(key, content);
        }
        String uploaded = sha256(s3, key);
        if (!uploaded.equalsIgnoreCase(sha256)) {
            s3.delete(key);
            throw new IOException("off-site copy of " + what + " reads back with sha256 " + uploaded + ", not " + sha256 + "; removed");
        }
    }

    private String sha256(OffsiteStore s3, String key) throws IOException {
        try (InputStream in = s3.get(key); DigestingOutputStream digest = new DigestingOutputStream(OutputStream.nullOutputStream())) {
            in.transferTo(digest);
            return digest.sha256Hex();
        }
    }

    /** The object key of a name: the configured prefix, then the name. */
    public String key(String fileName) {
        return prefix() + fileName;
    }

    private String prefix() {
        return config.prefix().orElse("");
    }

    public synchronized OffsiteStore store() {
        if (store == null) {
            if (config.endpoint().isEmpty()) {
                throw new IllegalStateException("off-site copies are not configured (BACKUP_OFFSITE_ENDPOINT)");
            }
            store = new OffsiteStore(config.endpoint().get(), config.region(), config.accessKey().orElse(""), config.secretKey().orElse(""),
                    config.pathStyle(), config.bucket(), config.partSize());
        }
        return store;
    }

    @PreDestroy
    synchronized void close() {
        if (store != null) {
            store.close();
        }
    }
}
