package dev.linkstack.backup.postgres;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.process.ExternalCommand;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the PostgreSQL client programs (pg_dump, pg_restore, psql) against the target server. Connection settings
 * reach them only through libpq environment variables, so the password never shows up in a process listing.
 */
@Singleton
public class PostgresTools {
    public static final String APPLICATION_NAME = "backup-service";
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);
    private static final int VERSION_LINES = 20;
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?");

    private final BackupConfig config;
    private final PgClients clients;
    private volatile PgClients.Installed chosen;

    @Inject
    public PostgresTools(BackupConfig config, PgClients clients) {
        this.config = config;
        this.clients = clients;
    }

    /**
     * Picks the client programs for a server of this major version (see {@link PgClients#choose}) and uses them from
     * now on; throws a {@link ToolException} with the reason when none fits.
     */
    public ToolVersion selectFor(int serverMajor) {
        PgClients.Installed installed = clients.choose(serverMajor);
        // Installations are kept once found; one removed since (a broken upgrade, a wiped volume) must show at once,
        // and the next check looks again (another fitting client, or this one put back).
        installed.binDir().map(dir -> dir.resolve("pg_dump")).filter(pgDump -> !java.nio.file.Files.isExecutable(pgDump))
                .ifPresent(pgDump -> {
                    clients.forget();
                    throw new ToolException("pg_dump not found: " + pgDump + " is gone; reinstall the PostgreSQL " + installed.major()
                            + " client or set BACKUP_PG_BIN_DIR");
                });
        PgClients.Installed previous = chosen;
        if (previous == null || !previous.equals(installed)) {
            chosen = installed;
            // Logged once per change, not on every backup.
            org.jboss.logging.Logger.getLogger(PostgresTools.class).infof("using pg_dump %d from %s for PostgreSQL %d",
                    installed.major(), installed.where(), serverMajor);
        }
        return installed.pgDump();
    }

    /**
     * Absolute path of a client program in the chosen installation; before the server's version is known, the newest
     * installation (or the configured bin directory, or the PATH).
     */
    public String executable(String tool) {
        PgClients.Installed installed = chosen;
        if (installed == null) {
            installed = clients.newest().orElse(null);
        }
        Optional<Path> dir = installed != null ? installed.binDir() : config.pgBinDir();
        return dir.map(d -> d.resolve(tool).toString()).orElse(tool);
    }

    /** A process builder for a client program connected to {@code database} on the target server. */
    public ProcessBuilder command(String tool, String database, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(executable(tool));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        // A service file or a stray variable must not silently redirect the connection.
        env.remove("PGSERVICE");
        env.remove("PGSERVICEFILE");
        env.put("PGHOST", config.db().host());
        env.put("PGPORT", String.valueOf(config.db().port()));
        env.put("PGUSER", config.db().user());
        env.put("PGDATABASE", database);
        env.put("PGAPPNAME", APPLICATION_NAME);
        env.put("PGCONNECT_TIMEOUT", "10");
        env.remove("PGPASSWORD");
        config.db().password().filter(p -> !p.isEmpty()).ifPresent(password -> env.put("PGPASSWORD", password));
        config.db().passfile().ifPresent(file -> env.put("PGPASSFILE", file.toString()));
        return builder;
    }

    /**
     * Like {@link #command}, for the replication clients (pg_receivewal, pg_basebackup): with {@code backup.wal.user} set
     * they connect as that role, with {@code backup.wal.password} as PGPASSWORD and without the database user's password
     * or passfile; without it, as the database user.
     */
    public ProcessBuilder replicationCommand(String tool, String database, List<String> arguments) {
        ProcessBuilder builder = command(tool, database, arguments);
        config.wal().user().filter(user -> !user.isBlank()).ifPresent(user -> {
            Map<String, String> env = builder.environment();
            env.put("PGUSER", user);
            env.remove("PGPASSWORD");
            env.remove("PGPASSFILE");
            config.wal().password().filter(p -> !p.isEmpty()).ifPresent(password -> env.put("PGPASSWORD", password));
        });
        return builder;
    }

    /**
     * Like {@link #command}, for a real restore: the session takes the configured restore role ({@code backup.restore.role})
     * as it starts, so what the dump recreates belongs to that role; without one it runs as the connecting role.
     */
    public ProcessBuilder restoreCommand(String tool, String database, List<String> arguments) {
        ProcessBuilder builder = command(tool, database, arguments);
        config.restore().role().ifPresentOrElse(role -> builder.environment().put("PGOPTIONS", "-c role=" + asOptionValue(role)),
                () -> builder.environment().remove("PGOPTIONS"));
        return builder;
    }

    /** libpq splits PGOPTIONS at spaces unless they are escaped with a backslash (and a backslash is written twice). */
    static String asOptionValue(String value) {
        return value.replace("\\", "\\\\").replace(" ", "\\ ");
    }

    /** pg_dump's version, e.g. "pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)". */
    public ToolVersion pgDumpVersion() {
        String tool = executable("pg_dump");
        try {
            ExternalCommand.Exit exit = askVersion(tool);
            String out = exit.output();
            if (exit.timedOut()) {
                throw new ToolException(tool + " --version did not answer within 30s");
            }
            if (exit.code() != 0) {
                throw new ToolException(tool + " --version failed: " + out);
            }
            return ToolVersion.parse(out).orElseThrow(() -> new ToolException("cannot read a version from '" + out + "'"));
        } catch (IOException e) {
            throw new ToolException("pg_dump not found (" + tool + "): install the PostgreSQL client or set BACKUP_PG_BIN_DIR", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted while asking pg_dump for its version", e);
        }
    }

    /** Runs {@code <tool> --version}; its output (stdout and stderr) is in the exit report. */
    static ExternalCommand.Exit askVersion(String tool) throws IOException, InterruptedException {
        ExternalCommand version = ExternalCommand.of(tool + " --version", new ProcessBuilder(tool, "--version"))
                .timeout(VERSION_TIMEOUT).mergedOutputLines(VERSION_LINES, line -> { });
        try (ExternalCommand.Running running = version.start()) {
            return running.await();
        }
    }

    /** A client program's version as printed by --version. */
    public record ToolVersion(int major, String text) {
        static Optional<ToolVersion> parse(String versionOutput) {
            Matcher m = VERSION.matcher(versionOutput);
            return m.find() ? Optional.of(new ToolVersion(Integer.parseInt(m.group(1)), versionOutput)) : Optional.empty();
        }
    }

    /** A client program is missing or misbehaves. */
    public static class ToolException extends RuntimeException {
        public ToolException(String message) {
            super(message);
        }

        public ToolException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
