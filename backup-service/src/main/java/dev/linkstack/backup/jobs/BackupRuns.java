package dev.linkstack.backup.jobs;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.dump.DumpRunner;
import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.encryption.BackupSignatures;
import dev.linkstack.backup.model.BackupFailedException;
import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupId;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.model.RunId;
import dev.linkstack.backup.model.RunManifest;
import dev.linkstack.backup.postgres.TargetDatabase;
import dev.linkstack.backup.store.RunStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A backup run over several databases of the server (BACKUP_DATABASES) and, optionally, its roles and tablespaces
 * (BACKUP_GLOBALS): one ordinary backup per database, a globals dump, and a manifest tying them together.
 */
@Singleton
public class BackupRuns {
    private static final Logger LOG = Logger.getLogger(BackupRuns.class);

    private final BackupConfig config;
    private final DumpRunner runner;
    private final TargetDatabase target;
    private final RunStore runs;
    private final Clock clock;
    private final BackupSignatures signatures;

    @Inject
    public BackupRuns(BackupConfig config, DumpRunner runner, TargetDatabase target, RunStore runs, Clock clock, BackupSignatures signatures) {
        this.config = config;
        this.signatures = signatures;
        this.runner = runner;
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
     * made stay (each is complete on its own), but no manifest is written. A single database is a run of one,
     * without a manifest.
     */
    public Result run(BackupFormat format, String trigger, Instant startedAt) throws BackupFailedException {
        List<BackupMetadata> made = new ArrayList<>();
        List<String> databases = databases();
        for (String database : databases) {
            made.add(runner.dump(database, BackupId.create(database, startedAt), format, trigger, startedAt));
        }
        if (!enabled()) {
            return new Result(null, made);
        }
        String runId = RunId.create(startedAt);
        String globalsFile = null;
        String globalsSha256 = null;
        Boolean rolePasswords = null;
        if (config.globals()) {
            rolePasswords = isSuperuser();
            DumpRunner.Globals globals = runner.dumpGlobals(runId, rolePasswords);
            globalsFile = globals.file().getFileName().toString();
            globalsSha256 = globals.sha256();
        }
        RunManifest manifest = signatures.sign(new RunManifest(runId, startedAt, clock.instant(), databases,
                made.stream().map(BackupMetadata::id).toList(), globalsFile, globalsSha256, rolePasswords,
                config.encryption().recipient().filter(r -> !r.isBlank()).isPresent() ? AgeEncryption.SCHEME : null, null));
        try {
            runs.publish(manifest);
        } catch (IOException e) {
            throw new BackupFailedException("the run's backups are written, but its manifest is not: " + e.getMessage(), e);
        }
        LOG.infof("run %s: %d database(s)%s", runId, databases.size(), globalsFile != null ? " and globals" : "");
        return new Result(manifest, made);
    }

    /** The backups a run made, one per database; {@code manifest} is null for a single database. */
    public record Result(RunManifest manifest, List<BackupMetadata> backups) {
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
}
