package dev.linkstack.backup.jobs;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.dump.DumpRunner;
import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.files.DigestingOutputStream;
import dev.linkstack.backup.model.BackupFailedException;
import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.model.RunManifest;
import dev.linkstack.backup.postgres.PostgresTools;
import dev.linkstack.backup.postgres.TargetDatabase;
import dev.linkstack.backup.process.OutputTail;
import dev.linkstack.backup.store.RunStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * A backup run over several databases of the server (BACKUP_DATABASES) and, optionally, its roles and tablespaces
 * (BACKUP_GLOBALS): one ordinary backup per database, a globals dump, and a manifest tying them together.
 */
@Singleton
public class BackupRuns {
    private static final Logger LOG = Logger.getLogger(BackupRuns.class);

    private final BackupConfig config;
    private final DumpRunner runner;
    private final PostgresTools tools;
    private final TargetDatabase target;
    private final RunStore runs;
    private final Clock clock;

    @Inject
    public BackupRuns(BackupConfig config, DumpRunner runner, PostgresTools tools, TargetDatabase target, RunStore runs, Clock clock) {
        this.config = config;
        this.runner = runner;
        this.tools = tools;
        this.target = target;
        this.runs = runs;
        this.clock = clock;
    }

    /** True when a backup is a run (several databases or globals) rather than one database's dump. */
    public boolean enabled() {
        return config.globals() || config.databases().filter(list -> !list.isEmpty()).isPresent();
    }

    /** The databases of a run, in order; "*" means every database the role may connect to, templates excluded. */
    public List<String> databases() throws BackupFailedException {
        List<String> configured = config.databases().filter(list -> !list.isEmpty()).orElse(List.of(target.name()));
        if (!configured.contains("*")) {
            return configured.stream().map(String::strip).filter(name -> !name.isEmpty()).distinct().toList();
        }
        List<String> all = new ArrayList<>();
        try (Connection connection = target.connection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn"
                     + " AND has_database_privilege(datname, 'CONNECT') ORDER BY datname")) {
            while (rs.next()) {
                all.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new BackupFailedException("cannot list the databases of the server: " + e.getMessage(), e);
        }
        return all;
    }

    /**
     * Dumps every database, then the globals, then publishes the manifest. A failure stops the run: backups already
     * made stay (each is complete on its own), but no manifest is written.
     */
    public Result run(BackupFormat format, String trigger, Instant startedAt) throws BackupFailedException {
        String runId = RunStore.runId(startedAt);
        List<BackupMetadata> made = new ArrayList<>();
        List<String> databases = databases();
        for (String database : databases) {
            made.add(runner.dump(database, BackupId.create(database, startedAt), format, trigger, startedAt));
        }
        String globalsFile = null;
        String globalsSha256 = null;
        Boolean rolePasswords = null;
        if (config.globals()) {
            rolePasswords = isSuperuser();
            Globals globals = dumpGlobals(runId, rolePasswords);
            globalsFile = globals.file().getFileName().toString();
            globalsSha256 = globals.sha256();
        }
        RunManifest manifest = new RunManifest(runId, startedAt, clock.instant(), databases, made.stream().map(BackupMetadata::id).toList(),
                globalsFile, globalsSha256, rolePasswords, recipient().isPresent() ? AgeEncryption.SCHEME : null);
        try {
            runs.publish(manifest);
        } catch (IOException e) {
            throw new BackupFailedException("the run's backups are written, but its manifest is not: " + e.getMessage(), e);
        }
        LOG.infof("run %s: %d database(s)%s", runId, databases.size(), globalsFile != null ? " and globals" : "");
        return new Result(manifest, made);
    }

    public record Result(RunManifest manifest, List<BackupMetadata> backups) {
    }

    private record Globals(Path file, String sha256) {
    }

    private Optional<String> recipient() {
        return config.encryption().recipient().filter(r -> !r.isBlank());
    }

    /** Role passwords live in pg_authid, which only a superuser reads; others dump roles without them. */
    private boolean isSuperuser() throws BackupFailedException {
        try (Connection connection = target.connection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        } catch (SQLException e) {
            throw new BackupFailedException("cannot read the backup role's privileges: " + e.getMessage(), e);
        }
    }

    private Globals dumpGlobals(String runId, boolean withPasswords) throws BackupFailedException {
        Optional<String> recipient = recipient();
        Path file = runs.globalsFile(runId, ".sql.gz" + (recipient.isPresent() ? AgeEncryption.EXTENSION : ""));
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        List<String> arguments = new ArrayList<>(List.of("--globals-only", "--no-password", "--database=" + target.name()));
        if (!withPasswords) {
            arguments.add("--no-role-passwords");
        }
        ProcessBuilder builder = tools.command("pg_dumpall", target.name(), arguments);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Files.createDirectories(runs.dir());
            Process process = builder.start();
            OutputTail stderr = OutputTail.start(process.getErrorStream(), "pg_dumpall-stderr");
            DigestingOutputStream digesting;
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 DigestingOutputStream digest = new DigestingOutputStream(out);
                 OutputStream gzip = new GZIPOutputStream(recipient.isPresent() ? AgeEncryption.encrypting(digest, recipient.get()) : digest);
                 InputStream sql = process.getInputStream()) {
                digesting = digest;
                sql.transferTo(gzip);
                gzip.close();
            }
            if (!process.waitFor(config.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new BackupFailedException("pg_dumpall --globals-only did not finish within " + config.timeout());
            }
            if (process.exitValue() != 0) {
                throw new BackupFailedException("pg_dumpall --globals-only failed (exit code " + process.exitValue() + "): " + stderr.text());
            }
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            return new Globals(file, digesting.sha256Hex());
        } catch (IOException e) {
            throw new BackupFailedException("dumping roles and tablespaces failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupFailedException("interrupted while dumping roles and tablespaces", e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // a leftover hidden partial file is harmless
            }
        }
    }
}
