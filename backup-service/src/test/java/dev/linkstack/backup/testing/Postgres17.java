package dev.linkstack.backup.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL 17 for the incremental base backup tests (Debian 12 packages none): {@code PG17_BIN_DIR} if set, else the
 * bin directory {@code scripts/fetch-postgres-17} prints (fetched into a cache directory once). Fails when there is
 * none: an incremental test never skips.
 */
public final class Postgres17 {
    private static Path binDir;

    private Postgres17() {
    }

    public static synchronized Path binDir() {
        if (binDir == null) {
            binDir = find();
        }
        return binDir;
    }

    private static Path find() {
        String given = System.getenv("PG17_BIN_DIR");
        if (given != null && !given.isBlank()) {
            return requireComplete(Path.of(given), "PG17_BIN_DIR");
        }
        Path script = Path.of("..", "scripts", "fetch-postgres-17").toAbsolutePath().normalize();
        try {
            Process fetch = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(fetch.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!fetch.waitFor(10, TimeUnit.MINUTES) || fetch.exitValue() != 0) {
                throw new IllegalStateException(script + " failed (it needs apt-get, dpkg-deb, curl, unzip, xz and Debian's and Maven"
                        + " Central's servers); or set PG17_BIN_DIR to a directory with PostgreSQL 17's server and client programs");
            }
            return requireComplete(Path.of(out), script.toString());
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching PostgreSQL 17", e);
        }
    }

    private static Path requireComplete(Path dir, String from) {
        for (String program : new String[] {"postgres", "initdb", "pg_ctl", "pg_basebackup", "pg_receivewal", "pg_combinebackup", "pg_dump"}) {
            if (!Files.isExecutable(dir.resolve(program))) {
                throw new IllegalStateException("no PostgreSQL 17 " + program + " in " + dir + " (from " + from + ")");
            }
        }
        return dir;
    }
}
