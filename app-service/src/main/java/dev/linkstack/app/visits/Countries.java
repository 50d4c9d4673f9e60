package dev.linkstack.app.visits;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * The country of an address, from a MaxMind-format (.mmdb) country database: MaxMind's GeoLite2/GeoIP2 Country
 * ({@code country.iso_code}) or the free DB-IP and ip-location-db files ({@code country_code}). Without a database
 * the dimension is absent rather than guessed.
 */
public final class Countries implements Closeable {
    public static final String UNKNOWN = "unknown";
    private final Reader reader;

    private Countries(Reader reader) {
        this.reader = reader;
    }

    /** Opens the file now, so that a wrong path stops the start instead of quietly leaving countries out. */
    public static Countries open(Path database) {
        try {
            return new Countries(new Reader(database.toFile(), new CHMCache()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the country database " + database + " (app.visits.geo-database): " + e.getMessage(), e);
        }
    }

    /** An ISO 3166 code such as "DE", or "unknown" (private and unlisted addresses). */
    public String of(String address) {
        if (address == null || !isLiteral(address)) {
            return UNKNOWN;
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> record = reader.get(InetAddress.getByName(address), Map.class);
            String code = record == null ? null : code(record);
            return code == null || code.length() != 2 ? UNKNOWN : code.toUpperCase(java.util.Locale.ROOT);
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    private static String code(Map<String, Object> record) {
        if (record.get("country_code") instanceof String code) {
            return code;
        }
        if (record.get("country") instanceof Map<?, ?> country && country.get("iso_code") instanceof String code) {
            return code;
        }
        return null;
    }

    /** Only an IP literal is looked up: getByName would otherwise ask DNS. */
    private static boolean isLiteral(String address) {
        if (address.isEmpty() || address.length() > 45) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
