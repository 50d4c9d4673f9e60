package dev.linkstack.backup.postgres;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.postgres.PostgresTools.ToolVersion;
import dev.linkstack.backup.process.ExternalCommand;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The PostgreSQL client installations on this machine (pg_dump, pg_restore, psql of one major version per
 * directory) and the choice among them for a server: the same major if installed, otherwise the oldest newer one
 * (pg_dump reads older servers, never newer ones).
 */
@Singleton
public class PgClients {
    private static final Logger LOG = Logger.getLogger(PgClients.class);

    private final BackupConfig config;
    private volatile List<Installed> installed;

    @Inject
    public PgClients(BackupConfig config) {
        this.config = config;
    }

    /** One directory with a working pg_dump; {@code binDir} empty means the programs are found on the PATH. */
    public record Installed(Optional<Path> binDir, ToolVersion pgDump) {
        public int major() {
            return pgDump.major();
        }

        public String where() {
            return binDir.map(Path::toString).orElse("PATH");
        }
    }

    /**
     * Every installation found, newest major first. Looked up once while a fitting one is found; a lookup that
     * found none fitting is repeated (see {@link #choose}), so a client installed or put back counts without a restart.
     */
    public List<Installed> installed() {
        List<Installed> found = installed;
        return found != null ? found : lookUp();
    }

    /** The client to use for a server of this major version. */
    public Installed choose(int serverMajor) {
        Optional<Installed> fitting = fitting(installed(), serverMajor);
        if (fitting.isPresent()) {
            return fitting.get();
        }
        List<Installed> again = lookUp();
        return fitting(again, serverMajor).orElseThrow(() -> new PostgresTools.ToolException(noMatch(serverMajor, again)));
    }

    /** Forgets the installations found, e.g. when the chosen one's pg_dump is gone: the next use looks again. */
    public void forget() {
        installed = null;
    }

    private List<Installed> lookUp() {
        List<Installed> found = scan();
        List<Installed> previous = installed;
        installed = found;
        if (!found.equals(previous)) {
            LOG.infof("PostgreSQL clients found: %s", found.stream().map(i -> i.major() + " (" + i.where() + ")").collect(Collectors.joining(", ")));
        }
        return found;
    }

    private static Optional<Installed> fitting(List<Installed> all, int serverMajor) {
        Optional<Installed> same = all.stream().filter(i -> i.major() == serverMajor).findFirst();
        return same.isPresent() ? same : all.stream().filter(i -> i.major() > serverMajor).min(Comparator.comparingInt(Installed::major));
    }

    /** The newest installation, for when the server's version is not known yet. */
    public Optional<Installed> newest() {
        return installed().stream().findFirst();
    }

    static String noMatch(int serverMajor, List<Installed> all) {
        if (all.isEmpty()) {
            return "pg_dump not found: install the PostgreSQL " + serverMajor + " client or set BACKUP_PG_BIN_DIR";
        }
        Installed best = all.get(0);
        return "pg_dump " + best.major() + " is older than the server (PostgreSQL " + serverMajor + "): no pg_dump " + serverMajor
                + " or newer among " + all.stream().map(i -> i.major() + " (" + i.where() + ")").collect(Collectors.joining(", "))
                + "; install the PostgreSQL " + serverMajor + " client (or newer) or point BACKUP_PG_BIN_DIR at it";
    }

    /** The directories searched for PostgreSQL programs, in order: the configured bin dir, then the search dirs expanded. */
    public Set<Path> searchedDirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        config.pgBinDir().ifPresent(dirs::add);
        for (String pattern : config.pgSearchDirs()) {
            dirs.addAll(expand(pattern.strip()));
        }
        return dirs;
    }

    private List<Installed> scan() {
        Set<Path> dirs = searchedDirs();
        List<Installed> found = new ArrayList<>();
        for (Path dir : dirs) {
            Path pgDump = dir.resolve("pg_dump");
            if (Files.isExecutable(pgDump)) {
                version(pgDump.toString()).ifPresent(v -> found.add(new Installed(Optional.of(dir), v)));
            }
        }
        if (found.isEmpty() && config.pgBinDir().isEmpty()) {
            // Nothing configured, nothing in the usual places: whatever pg_dump is on the PATH. A configured bin dir
            // that lost its pg_dump is an error to report, not something to paper over with another client.
            version("pg_dump").ifPresent(v -> found.add(new Installed(Optional.empty(), v)));
        }
        // Newest first; among equal majors the configured bin dir (listed first) wins.
        List<Installed> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(Installed::major).reversed());
        return List.copyOf(sorted);
    }

    /** A directory, or a pattern with one '*' path segment such as /usr/lib/postgresql/*&#47;bin. */
    static List<Path> expand(String pattern) {
        if (pattern.isEmpty()) {
            return List.of();
        }
        int star = pattern.indexOf('*');
        if (star < 0) {
            return List.of(Path.of(pattern));
        }
        int slash = pattern.lastIndexOf('/', star);
        Path parent = Path.of(slash <= 0 ? "/" : pattern.substring(0, slash));
        int end = pattern.indexOf('/', star);
        String glob = pattern.substring(slash + 1, end < 0 ? pattern.length() : end);
        String rest = end < 0 ? "" : pattern.substring(end + 1);
        List<Path> matches = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return matches;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, glob)) {
            for (Path entry : entries) {
                matches.add(rest.isEmpty() ? entry : entry.resolve(rest));
            }
        } catch (IOException e) {
            LOG.debugf("cannot list %s: %s", parent, e.getMessage());
        }
        matches.sort(Comparator.naturalOrder());
        return matches;
    }

    private static Optional<ToolVersion> version(String pgDump) {
        try {
            ExternalCommand.Exit exit = PostgresTools.askVersion(pgDump);
            return exit.ok() ? ToolVersion.parse(exit.output()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
