package dev.linkstack.backup.restore;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.encryption.AgeEncryption;
import dev.linkstack.backup.encryption.BackupSignatures;
import dev.linkstack.backup.files.Checksums;
import dev.linkstack.backup.model.BackupFormat;
import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.model.RunManifest;
import dev.linkstack.backup.postgres.PostgresTools;
import dev.linkstack.backup.postgres.TargetDatabase;
import dev.linkstack.backup.process.ExternalCommand;
import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.backup.store.RunStore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Restores a whole run: roles and tablespaces first (so ownership and grants in the dumps find their roles), then
 * every database under its own name, each in one transaction.
 */
@Singleton
public class RunRestore {
    private static final Logger LOG = Logger.getLogger(RunRestore.class);

    private final RunStore runs;
    private final BackupStore store;
    private final RestoreService restores;
    private final PostgresTools tools;
    private final TargetDatabase target;
    private final Duration timeout;
    private final BackupSignatures signatures;

    @Inject
    public RunRestore(RunStore runs, BackupStore store, RestoreService restores, PostgresTools tools, TargetDatabase target, BackupConfig config,
                      BackupSignatures signatures) {
        this.runs = runs;
        this.signatures = signatures;
        this.store = store;
        this.restores = restores;
        this.tools = tools;
        this.target = target;
        this.timeout = config.timeout();
    }

    /** What a run restore did; {@code globalsErrors} are statements PostgreSQL refused (e.g. roles that already exist). */
    @RegisterForReflection
    public record Result(String runId, boolean globalsRestored, List<String> globalsErrors, List<RestoreResult> databases) {
    }

    public Result restore(RunManifest run, Optional<String> identity)
            throws RestoreFailedException, DatabaseUnavailableException, MissingKeyException {
        // Before anything runs: the globals are SQL executed as the restoring role, and only the manifest vouches for them.
        Optional<String> forged = signatures.problem(run);
        if (forged.isPresent()) {
            throw new RestoreFailedException(forged.get());
        }
        Optional<String> key = identity.filter(i -> !i.isBlank());
        if (run.encryption() != null && key.isEmpty()) {
            throw new MissingKeyException("run " + run.runId() + " is encrypted (" + run.encryption()
                    + "): supply its private key (the age identity, AGE-SECRET-KEY-1...) to restore it");
        }
        List<String> globalsErrors = List.of();
        if (run.globalsFile() != null) {
            globalsErrors = restoreGlobals(run, key);
        }
        List<RestoreResult> databases = new ArrayList<>();
        for (String backupId : run.backupIds()) {
            BackupMetadata backup = store.find(backupId)
                    .orElseThrow(() -> new RestoreFailedException("backup " + backupId + " of run " + run.runId() + " is gone"));
            databases.add(restores.restore(backup, backup.database(), key));
        }
        LOG.infof("restored run %s: globals %s, %d database(s)", run.runId(), run.globalsFile() != null ? "yes" : "no", databases.size());
        return new Result(run.runId(), run.globalsFile() != null, globalsErrors, databases);
    }

    /**
     * Roles that exist already make CREATE ROLE fail, so the globals are not one transaction: every statement is
     * tried, and the ones refused are reported. The dump itself is checked against its checksum first.
     */
    private List<String> restoreGlobals(RunManifest run, Optional<String> identity) throws RestoreFailedException {
        Path file = runs.dir().resolve(run.globalsFile());
        Optional<String> damaged = Checksums.problem(file, run.globalsSha256());
        if (damaged.isPresent()) {
            throw new RestoreFailedException("refusing to restore damaged globals (" + run.globalsFile() + "): " + damaged.get());
        }
        ProcessBuilder builder = tools.restoreCommand("psql", target.name(), List.of("--no-psqlrc", "--no-password", "--quiet", "--file=-"));
        FedCommand.Source sql = () -> {
            InputStream raw = Files.newInputStream(file);
            return BackupFormat.GZIP.decompressing(identity.isPresent() && run.encryption() != null ? AgeEncryption.decrypting(raw, identity.get()) : raw);
        };
        FedCommand.Outcome outcome;
        try {
            outcome = FedCommand.run("psql", builder, timeout, sql);
        } catch (IOException e) {
            throw new RestoreFailedException("restoring roles and tablespaces failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestoreFailedException("interrupted while restoring roles and tablespaces", e);
        }
        ExternalCommand.Exit exit = outcome.exit();
        if (exit.timedOut()) {
            throw new RestoreFailedException("restoring roles and tablespaces: " + exit.timeoutMessage());
        }
        if (outcome.feedError() != null) {
            throw new RestoreFailedException("restoring roles and tablespaces failed: " + outcome.feedError().getMessage(), outcome.feedError());
        }
        if (exit.code() != 0) {
            throw new RestoreFailedException("restoring roles and tablespaces failed (" + exit.describeCode() + ")" + exit.outputSuffix());
        }
        return exit.output().lines().filter(line -> line.contains("ERROR:")).map(String::strip).toList();
    }
}
