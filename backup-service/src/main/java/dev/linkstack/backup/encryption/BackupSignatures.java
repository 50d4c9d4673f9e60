package dev.linkstack.backup.encryption;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.model.BackupMetadata;
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
        return key.map(k -> metadata.withSignature(mac(k, metadata))).orElse(metadata);
    }

    /**
     * Why a backup must not be verified or restored, or empty when it may: with a signing key, every backup needs a
     * valid signature; without one, nothing is checked.
     */
    public Optional<String> problem(BackupMetadata metadata) {
        if (key.isEmpty()) {
            return Optional.empty();
        }
        if (metadata.signature() == null || metadata.signature().isBlank()) {
            return Optional.of("backup " + metadata.id() + " carries no signature of this service (BACKUP_SIGNING_KEY): it may have been "
                    + "forged, refusing to use it");
        }
        byte[] expected = mac(key.get(), metadata).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, metadata.signature().getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("backup " + metadata.id() + " has a signature that does not match its metadata and checksum under this "
                    + "service's BACKUP_SIGNING_KEY: it was forged or altered, refusing to use it");
        }
        return Optional.empty();
    }

    /** Covers what names the dump and its content; not the verification outcome, which changes after signing. */
    private static String mac(byte[] key, BackupMetadata m) {
        String message = String.join("\n", "linkstack-backup-v1", m.id(), m.status(), m.database(), String.valueOf(m.format()), m.file(),
                String.valueOf(m.sizeBytes()), m.sha256(), String.valueOf(m.startedAt()), String.valueOf(m.encryption()),
                String.valueOf(m.tableRows()));
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
