package dev.linkstack.backup.hooks;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.model.BackupFailedException;
import dev.linkstack.backup.model.BackupJob;
import dev.linkstack.backup.process.ExternalCommand;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Operator commands around each backup (e.g. pause a writer, flush a cache, copy the dump elsewhere), run with
 * {@code sh -c}, with a time limit and their output in the log. A failing pre-hook fails the backup with its
 * output as the reason; a failing post-hook is logged only: the backup it follows is already safe.
 */
@Singleton
public class BackupHooks {
    private static final Logger LOG = Logger.getLogger(BackupHooks.class);
    private static final int TAIL_LINES = 20;

    private final BackupConfig config;

    @Inject
    public BackupHooks(BackupConfig config) {
        this.config = config;
    }

    /** Runs the pre-backup hook, if any. */
    public void beforeBackup(BackupJob job) throws BackupFailedException {
        Optional<String> command = config.hooks().pre().filter(c -> !c.isBlank());
        if (command.isEmpty()) {
            return;
        }
        Outcome outcome = run("pre-backup", command.get(), environment(job));
        if (!outcome.ok()) {
            throw new BackupFailedException("pre-backup hook failed (" + outcome.reason() + ")" + (outcome.output().isEmpty() ? "" : ": " + outcome.output())
                    + "; no dump was taken");
        }
    }

    /** Runs the post-backup hook, if any, after a successful or failed backup; never throws. */
    public void afterBackup(BackupJob result) {
        Optional<String> command = config.hooks().post().filter(c -> !c.isBlank());
        if (command.isEmpty()) {
            return;
        }
        Map<String, String> env = environment(result);
        env.put("BACKUP_STATUS", result.state() == BackupJob.State.SUCCEEDED ? "succeeded" : "failed");
        if (result.backupId() != null) {
            env.put("BACKUP_ID", result.backupId());
        }
        if (result.error() != null) {
            env.put("BACKUP_ERROR", result.error());
        }
        try {
            Outcome outcome = run("post-backup", command.get(), env);
            if (!outcome.ok()) {
                LOG.warnf("post-backup hook failed (%s): %s", outcome.reason(), outcome.output());
            }
        } catch (RuntimeException e) {
            LOG.warnf("post-backup hook could not run: %s", e.getMessage());
        }
    }

    private Map<String, String> environment(BackupJob job) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("BACKUP_JOB_ID", job.id());
        env.put("BACKUP_DATABASE", job.database());
        env.put("BACKUP_TRIGGER", job.trigger());
        env.put("BACKUP_DIR", config.dir().toString());
        return env;
    }

    private Outcome run(String name, String command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(List.of("/bin/sh", "-c", command));
        // Hooks get no database password: they are operator scripts, not database clients.
        builder.environment().remove("BACKUP_DB_PASSWORD");
        builder.environment().remove("PGPASSWORD");
        builder.environment().remove("BACKUP_API_TOKEN");
        builder.environment().putAll(env);
        Duration timeout = config.hooks().timeout();
        LOG.infof("running %s hook", name);
        ExternalCommand hook = ExternalCommand.of(name + " hook", builder).timeout(timeout)
                .mergedOutputLines(TAIL_LINES, line -> LOG.infof("[%s hook] %s", name, line));
        try (ExternalCommand.Running running = hook.start()) {
            ExternalCommand.Exit exit = running.await();
            if (exit.timedOut()) {
                return new Outcome(false, "did not finish within " + timeout + " and was stopped", exit.output());
            }
            LOG.infof("%s hook exited with %d", name, exit.code());
            return new Outcome(exit.code() == 0, "exit code " + exit.code(), exit.output());
        } catch (IOException e) {
            return new Outcome(false, "cannot start /bin/sh: " + e.getMessage(), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted", "");
        }
    }

    private record Outcome(boolean ok, String reason, String output) {
    }
}
