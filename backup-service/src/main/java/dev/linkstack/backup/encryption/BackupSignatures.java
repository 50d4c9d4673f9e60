package dev.linkstack.backup.encryption;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.model.RunManifest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Proves a backup was written by this service. age authenticates nothing about the sender: whoever can write the
 * backup folder or the bucket can encrypt a dump of their own to the public key and rewrite its checksum. An HMAC with
 * a key only the service holds, over the metadata that identifies the dump (its sha256 included), cannot be forged so.
 * A run's manifest is signed the same way: it carries the checksum of the globals dump (roles, whose SQL a restore
 * runs as the restoring role), so the globals are covered too.
 */
@Singleton
public class BackupSignatures {
    private static final String ALGORITHM = "HmacSHA256";

    private final Optional<byte[]> key;

    @Inject
    public BackupSignatures(BackupConfig config) {
        this(config.encryption().signingKey().filter(k -> !k.isBlank()));
    }

    public BackupSignatures(Optional<String> key) {
        this.key = key.map(k -> k.getBytes(StandardCharsets.UTF_8));
    }

    public boolean enabled() {
        return key.isPresent();
    }

    /** The metadata with its signature; unchanged when no signing key is configured. */
    public BackupMetadata sign(BackupMetadata metadata) {
        return key.map(k -> metadata.withSignature(mac(k, message(metadata)))).orElse(metadata);
    }

    /** The manifest with its signature; unchanged when no signing key is configured. */
    public RunManifest sign(RunManifest manifest) {
        return key.map(k -> manifest.withSignature(mac(k, message(manifest)))).orElse(manifest);
    }

    /**
     * Why a backup must not be verified or restored, or empty when it may: with a signing key, every backup needs a
     * valid signature; without one, nothing is checked.
     */
    public Optional<String> problem(BackupMetadata metadata) {
        return key.flatMap(k -> problem(k, "backup " + metadata.id(), metadata.signature(), message(metadata)));
    }

    /** As for a backup: with a signing key, a run (and so its globals) is restored only with a valid signature. */
    public Optional<String> problem(RunManifest manifest) {
        return key.flatMap(k -> problem(k, "run " + manifest.runId(), manifest.signature(), message(manifest)));
    }

    /** The signature of another record the service writes (a base backup's metadata); empty without a signing key. */
    public Optional<String> signature(String content) {
        return key.map(k -> mac(k, content));
    }

    /** As for a backup: why a record signed with {@link #signature(String)} must not be used, or empty when it may. */
    public Optional<String> problem(String what, String signature, String content) {
        return key.flatMap(k -> problem(k, what, signature, content));
    }

    private static Optional<String> problem(byte[] key, String what, String signature, String message) {
        if (signature == null || signature.isBlank()) {
            return Optional.of(what + " carries no signature of this service (BACKUP_SIGNING_KEY): it may have been "
                    + "forged, refusing to use it (for backups made before the key was set, see the adopt command)");
        }
        byte[] expected = mac(key, message).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of(what + " has a signature that does not match its metadata and checksum under this "
                    + "service's BACKUP_SIGNING_KEY: it was forged or altered, refusing to use it");
        }
        return Optional.empty();
    }

    /** Covers what names the dump and its content; not the verification outcome, which changes after signing. */
    private static String message(BackupMetadata m) {
        return String.join("\n", "linkstack-backup-v1", m.id(), m.status(), m.database(), String.valueOf(m.format()), m.file(),
                String.valueOf(m.sizeBytes()), m.sha256(), String.valueOf(m.startedAt()), String.valueOf(m.encryption()),
                String.valueOf(m.tableRows()));
    }

    /** Covers the whole manifest: which backups and globals make up the run, and the globals' checksum. */
    private static String message(RunManifest m) {
        return String.join("\n", "linkstack-run-v1", m.runId(), String.valueOf(m.startedAt()), String.valueOf(m.finishedAt()),
                String.valueOf(m.databases()), String.valueOf(m.backupIds()), String.valueOf(m.globalsFile()), String.valueOf(m.globalsSha256()),
                String.valueOf(m.rolePasswords()), String.valueOf(m.encryption()));
    }

    private static String mac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
