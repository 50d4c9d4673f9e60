package dev.linkstack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.ServiceEnvironment;
import dev.linkstack.testing.ServiceProcess;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the backup benchmarks ask of a running backup-service: take a backup, restore one, through its REST API. */
final class BackupServiceApi {
    static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String API_TOKEN = "bench-api-token-0123456789";

    private BackupServiceApi() {
    }

    record ServiceBackup(String id, long millis, long bytes, String file) {
    }

    /** backup-service backing up {@code database} into {@code dir}, gzip unless a trigger asks otherwise. */
    static Map<String, String> environment(PostgresServer postgres, String database, Path dir) {
        return ServiceEnvironment.backup(postgres, database, API_TOKEN, dir)
                .with("BACKUP_PG_BIN_DIR", PG_BIN.toString())
                .with("BACKUP_COMPRESSION", "gzip")
                .toMap();
    }

    /** Triggers a backup through the API and waits (polling every 20 ms) until its job is done. */
    static ServiceBackup backup(ServiceProcess service, String format, Path dir) {
        String api = service.baseUrl() + "/api/backups";
        long start = System.nanoTime();
        Support.Reply accepted = Support.send(authorized(Support.postJson(api, Map.of("format", format))),
                Duration.ofSeconds(30));
        if (accepted.status() != 202) {
            throw new IllegalStateException("trigger backup: " + accepted.status() + " " + accepted.body());
        }
        String jobId = accepted.json().get("id").asText();
        long deadline = start + TimeUnit.MINUTES.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode job = Support.send(authorized(Support.get(api + "/jobs/" + jobId)), Duration.ofSeconds(10)).json();
            String state = job.get("state").asText();
            if (!state.equals("RUNNING")) {
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                if (!state.equals("SUCCEEDED")) {
                    throw new IllegalStateException("backup job " + state + ": " + job);
                }
                String id = job.get("backupId").asText();
                JsonNode metadata = Support.send(authorized(Support.get(api + "/" + id)), Duration.ofSeconds(10)).json();
                return new ServiceBackup(id, millis, metadata.get("sizeBytes").asLong(), dir.resolve(metadata.get("file").asText()).toString());
            }
            Processes.sleep(20);
        }
        throw new IllegalStateException("backup job " + jobId + " still running after 30 minutes");
    }

    /** Restores a backup into a new database through the API and returns the service's answer (the tables' row counts). */
    static Support.Reply restore(ServiceProcess service, ServiceBackup backup, String database) {
        Support.Reply reply = Support.send(authorized(Support.postJson(service.baseUrl() + "/api/backups/" + backup.id() + "/restore",
                Map.of("database", database, "confirm", database))), Duration.ofMinutes(60));
        if (reply.status() != 200) {
            throw new IllegalStateException("restore through " + service.baseUrl() + ": " + reply.status() + " " + reply.body());
        }
        return reply;
    }

    /** A request with the API token the benchmarks' backup-service instances are given ({@link #environment}). */
    static HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + API_TOKEN);
    }
}
