package dev.linkstack.backup.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkstack.backup.config.BackupConfig;
import dev.linkstack.backup.model.BackupJob;
import dev.linkstack.backup.model.BackupMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells the outside world how backups and verifications went: a JSON event to a webhook (on failure, optionally on
 * success) and a dead man's switch ping (healthchecks.io style: the URL on success, {@code <url>/fail} on failure).
 * Delivery is asynchronous with retries and backoff; it never delays or fails the backup it reports.
 */
@Singleton
public class Alerts {
    private static final Logger LOG = Logger.getLogger(Alerts.class);

    private final BackupConfig.Alerts config;
    private final ObjectMapper json;
    private final Clock clock;
    // Built on the first delivery: an HttpClient sets up TLS (trust store, providers) when built, a good part of the
    // service's start-up, and most installations send no alerts at all.
    private HttpClient http;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "alert-retries");
        thread.setDaemon(true);
        return thread;
    });

    @Inject
    public Alerts(BackupConfig config, ObjectMapper json, Clock clock) {
        this.config = config.alerts();
        this.json = json;
        this.clock = clock;
    }

    /** Reports a finished backup job. */
    public void backupFinished(BackupJob job, String host) {
        boolean failed = job.state() == BackupJob.State.FAILED;
        if (failed || config.onSuccess()) {
            Map<String, Object> event = event(failed ? "backup.failed" : "backup.succeeded", job.database(), host);
            event.put("jobId", job.id());
            event.put("trigger", job.trigger());
            event.put("startedAt", String.valueOf(job.startedAt()));
            event.put("finishedAt", String.valueOf(job.finishedAt()));
            if (failed) {
                event.put("error", job.error());
            } else {
                event.put("backupId", job.backupId());
            }
            config.webhookUrl().ifPresent(url -> post(url, event));
        }
        config.pingUrl().ifPresent(url -> ping(url, failed, failed ? job.error() : "backup " + job.backupId()));
    }

    /** Reports a finished verification (restore test) of a backup. */
    public void verificationFinished(BackupMetadata backup, BackupMetadata.Verification verification) {
        if (!verification.ok() || config.onSuccess()) {
            Map<String, Object> event = event(verification.ok() ? "verification.succeeded" : "verification.failed", backup.database(), backup.host());
            event.put("backupId", backup.id());
            event.put("trigger", verification.trigger());
            event.put("verifiedAt", String.valueOf(verification.at()));
            if (!verification.ok()) {
                event.put("error", verification.error());
            }
            config.webhookUrl().ifPresent(url -> post(url, event));
        }
    }

    /** Reports an off-site copy of a dump that failed (the local backup is fine). */
    public void offsiteFailed(BackupMetadata backup, String error) {
        offsiteFailed(backup.database(), backup.host(), Map.of("backupId", backup.id()), error);
    }

    /**
     * Reports an off-site copy that failed, the local copy being fine: {@code offsite.failed}, with what was being
     * copied (a dump's {@code backupId}, or the point-in-time archive's {@code "archive": "pitr"} and how much waits).
     */
    public void offsiteFailed(String database, String host, Map<String, Object> what, String error) {
        Map<String, Object> event = event("offsite.failed", database, host);
        event.putAll(what);
        event.put("error", error);
        config.webhookUrl().ifPresent(url -> post(url, event));
    }

    /** Reports a failure of point-in-time recovery's moving parts: {@code wal.receiver.down}, {@code base-backup.failed}. */
    public void pitrFailed(String type, String database, String host, String error) {
        Map<String, Object> event = event(type, database, host);
        event.put("error", error);
        config.webhookUrl().ifPresent(url -> post(url, event));
    }

    /**
     * Reports a proof of a point-in-time restore: {@code pitr-proof.failed} (always) or {@code pitr-proof.succeeded}
     * (when successes are reported too), with the proof's details (id, trigger, target, error).
     */
    public void restoreProofFinished(boolean ok, String database, String host, Map<String, Object> details) {
        if (!ok || config.onSuccess()) {
            Map<String, Object> event = event(ok ? "pitr-proof.succeeded" : "pitr-proof.failed", database, host);
            details.forEach((name, value) -> {
                if (value != null) {
                    event.put(name, value);
                }
            });
            config.webhookUrl().ifPresent(url -> post(url, event));
        }
    }

    private Map<String, Object> event(String type, String database, String host) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", type);
        event.put("service", "backup-service");
        event.put("database", database);
        event.put("host", host);
        event.put("at", clock.instant().toString());
        return event;
    }

    private void post(URI url, Map<String, Object> event) {
        String body;
        try {
            body = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            LOG.errorf("cannot encode alert %s: %s", event.get("event"), e.getMessage());
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(config.timeout())
                .header("Content-Type", "application/json").header("User-Agent", "backup-service")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        deliver(request, String.valueOf(event.get("event")), 1);
    }

    private void ping(URI url, boolean failed, String message) {
        URI target = failed ? URI.create(url.toString().replaceAll("/+$", "") + "/fail") : url;
        // The body is shown as the ping's log by healthchecks.io-style services.
        String text = Optional.ofNullable(message).map(m -> m.length() > 10_000 ? m.substring(0, 10_000) : m).orElse("");
        HttpRequest request = HttpRequest.newBuilder(target).timeout(config.timeout()).header("User-Agent", "backup-service")
                .POST(HttpRequest.BodyPublishers.ofString(text)).build();
        deliver(request, failed ? "failure ping" : "success ping", 1);
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(config.timeout()).followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        return http;
    }

    private void deliver(HttpRequest request, String what, int attempt) {
        http().sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error == null && response.statusCode() / 100 == 2) {
                LOG.debugf("%s delivered to %s", what, request.uri().getHost());
                return;
            }
            String problem = error != null ? String.valueOf(error.getMessage()) : "HTTP " + response.statusCode();
            // The URL may carry a token: log only its host.
            if (attempt >= config.attempts()) {
                LOG.errorf("%s to %s not delivered after %d attempt(s): %s", what, request.uri().getHost(), attempt, problem);
                return;
            }
            Duration wait = config.backoff().multipliedBy(1L << Math.min(attempt - 1, 20));
            LOG.warnf("%s to %s failed (%s), attempt %d of %d; retrying in %s", what, request.uri().getHost(), problem, attempt, config.attempts(), wait);
            try {
                retries.schedule(() -> deliver(request, what, attempt + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                LOG.warnf("%s dropped: the service is shutting down", what);
            }
        });
    }

    @PreDestroy
    void stop() {
        retries.shutdownNow();
    }
}
