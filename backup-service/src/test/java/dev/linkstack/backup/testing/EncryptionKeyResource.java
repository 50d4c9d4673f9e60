package dev.linkstack.backup.testing;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Map;

/** A fresh age key pair: the service is given only the public recipient; tests keep the private identity. */
public class EncryptionKeyResource implements QuarkusTestResourceLifecycleManager {
    private static KeyPair keys;

    public static KeyPair newKeyPair() {
        try {
            return new X25519KeyPairGenerator().generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** AGE-SECRET-KEY-1... of the service's recipient. */
    public static String identity() {
        return keys.getPrivate().toString();
    }

    public static String recipient() {
        return keys.getPublic().toString();
    }

    @Override
    public Map<String, String> start() {
        keys = newKeyPair();
        return Map.of("backup.encryption.recipient", recipient());
    }

    @Override
    public void stop() {
        keys = null;
    }
}
