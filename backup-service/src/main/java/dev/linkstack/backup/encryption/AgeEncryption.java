package dev.linkstack.backup.encryption;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * Encryption at rest in the age format (age-encryption.org/v1, X25519 recipients), through the Jagged library.
 * The service only ever holds the public recipient ({@code age1...}); the identity ({@code AGE-SECRET-KEY-1...})
 * is handed in for a restore or verify and never stored. Files can also be decrypted with the {@code age} tool.
 */
public final class AgeEncryption {
    /** Name recorded in the metadata of encrypted backups. */
    public static final String SCHEME = "age-x25519";
    /** Suffix of encrypted dump files. */
    public static final String EXTENSION = ".age";

    private AgeEncryption() {
    }

    /** Throws with a plain reason when the recipient is not a valid age X25519 public key. */
    public static void requireValidRecipient(String recipient) {
        writer(recipient);
    }

    /** A stream that encrypts everything written to it for the recipient; closing it writes the final chunk. */
    public static OutputStream encrypting(OutputStream out, String recipient) throws IOException {
        try {
            return Channels.newOutputStream(new StandardEncryptingChannelFactory().newEncryptingChannel(Channels.newChannel(out), List.of(writer(recipient))));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot start age encryption: " + e.getMessage(), e);
        }
    }

    /**
     * A stream of the decrypted content. Every 64 KiB chunk is authenticated: a modified file or a wrong identity
     * fails with an {@link IOException}, never with altered data.
     */
    public static InputStream decrypting(InputStream in, String identity) throws IOException {
        RecipientStanzaReader reader;
        try {
            reader = X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(identity.strip());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidKeyException("the private key is not an age X25519 identity (AGE-SECRET-KEY-1...)");
        }
        try {
            return Channels.newInputStream(new StandardDecryptingChannelFactory().newDecryptingChannel(Channels.newChannel(in), List.of(reader)));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot decrypt: the private key does not match this backup or its header is damaged (" + e.getMessage() + ")", e);
        }
    }

    private static RecipientStanzaWriter writer(String recipient) {
        try {
            return X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient.strip());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("BACKUP_ENCRYPTION_RECIPIENT is not an age X25519 public key (age1...): " + e.getMessage(), e);
        }
    }

    /** The identity handed in is not a usable age key; a client error, not a damaged backup. */
    public static class InvalidKeyException extends IOException {
        public InvalidKeyException(String message) {
            super(message);
        }
    }
}
