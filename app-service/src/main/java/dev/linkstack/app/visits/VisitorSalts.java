package dev.linkstack.app.visits;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The salt of each UTC day's visitor hashes, the same on every instance (a visitor who reaches two instances is one
 * visitor) and forgotten when the day is over: then no hash of that day can be tied to an address again, not even
 * by whoever holds the database. The memory backend keeps it in this process; Redis keeps it with an expiry.
 */
public interface VisitorSalts {
    int SALT_BYTES = 16;

    /** The day's salt, created by the first instance that asks. */
    byte[] forDay(long epochDay);

    /** Once a day: a SecureRandom of its own each time, none held where a native image could bake it in. */
    static byte[] fresh() {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        return salt;
    }

    /** Salts of this process only: today's and yesterday's (visits classified just after midnight). */
    final class InMemory implements VisitorSalts {
        private final Map<Long, byte[]> salts = new ConcurrentHashMap<>();

        @Override
        public byte[] forDay(long epochDay) {
            salts.keySet().removeIf(day -> day < epochDay - 1);
            return salts.computeIfAbsent(epochDay, day -> fresh());
        }
    }
}
