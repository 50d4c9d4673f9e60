package dev.linkstack.backup.hooks;

import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.model.BackupFailedException;
import dev.linkstack.backup.model.BackupJob;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
        ProcessBuilder builder = new ProcessBuilder(List.of("/bin/sh", "-c", command)).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // Hooks get no database password: they are operator scripts, not database clients.
        builder.environment().remove("BACKUP_DB_PASSWORD");
        builder.environment().remove("PGPASSWORD");
        builder.environment().remove("BACKUP_API_TOKEN");
        builder.environment().putAll(env);
        Duration timeout = config.hooks().timeout();
        LOG.infof("running %s hook", name);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Outcome(false, "cannot start /bin/sh: " + e.getMessage(), "");
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    LOG.infof("[%s hook] %s", name, line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the hook was killed
            }
        }, name + "-hook-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                reader.join(2000);
                return new Outcome(false, "did not finish within " + timeout + " and was stopped", tailText(tail));
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new Outcome(false, "interrupted", tailText(tail));
        }
        int exit = process.exitValue();
        LOG.infof("%s hook exited with %d", name, exit);
        return new Outcome(exit == 0, "exit code " + exit, tailText(tail));
    }

    private static String tailText(Deque<String> tail) {
        synchronized (tail) {
            return String.join("\n", tail).strip();
        }
    }

    private record Outcome(boolean ok, String reason, String output) {
    }
}
