package dev.linkstack.backup.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkstack.backup.testing.AlertReceiverResource;
import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.backup.testing.WebhookReceiver;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Alerts to a real local webhook receiver and dead man's switch, and the pre/post hooks around a backup. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = AlertReceiverResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertsAndHooksTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PING = "/ping/abc-123";

    @InjectPostgres
    TestPostgres postgres;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    @Order(1)
    void aFailingPreHookFailsTheBackupWithItsOutputAndAlerts() throws Exception {
        WebhookReceiver receiver = AlertReceiverResource.receiver();
        receiver.clear();
        Path marker = Files.createFile(AlertReceiverResource.hookDir().resolve("fail-pre"));
        try {
            Response job = Api.awaitJob(Api.trigger(null));
            job.then().body("state", equalTo("FAILED"))
                    .body("error", containsString("pre-backup hook failed (exit code 3): maintenance window: no backups now; no dump was taken"));
            assertEquals(0, Api.authorized().get("/api/backups").jsonPath().getList("id").size(), "no backup was made");

            List<WebhookReceiver.Request> hooks = receiver.await(r -> r.path().equals("/hook"), 1, WAIT);
            assertEquals(1, hooks.size(), receiver.requests().toString());
            JsonNode event = json.readTree(hooks.get(0).body());
            assertEquals("backup.failed", event.get("event").asText());
            assertEquals(TestPostgres.DATABASE, event.get("database").asText());
            assertEquals(job.jsonPath().getString("id"), event.get("jobId").asText());
            assertTrue(event.get("error").asText().contains("maintenance window"), event.toString());
            assertEquals(1, receiver.await(r -> r.path().equals(PING + "/fail"), 1, WAIT).size(), "dead man's switch told of the failure");
            assertEquals(List.of("failed"), Files.readAllLines(AlertReceiverResource.hookDir().resolve("post.log")).stream().map(String::strip).toList(),
                    "post-hook ran after the failure");
        } finally {
            Files.delete(marker);
        }
    }

    @Test
    @Order(2)
    void aPgDumpFailureReachesTheWebhookDespiteRefusedDeliveries() throws Exception {
        WebhookReceiver receiver = AlertReceiverResource.receiver();
        try (Connection connection = postgres.connectAsSuperuser(TestPostgres.DATABASE); Statement statement = connection.createStatement()) {
            // A table the backup role cannot read: pg_dump really fails on it.
            statement.execute("CREATE TABLE private_notes (id int)");
        }
        try {
            receiver.clear();
            receiver.failNext(2);
            Response job = Api.awaitJob(Api.trigger(null));
            job.then().body("state", equalTo("FAILED")).body("error", containsString("permission denied"));

            List<WebhookReceiver.Request> delivered = receiver.await(r -> r.path().equals("/hook") && r.status() == 200, 1, WAIT);
            assertEquals(1, delivered.size(), receiver.requests().toString());
            JsonNode event = json.readTree(delivered.get(0).body());
            assertEquals("backup.failed", event.get("event").asText());
            assertTrue(event.get("error").asText().contains("permission denied for table private_notes"), event.toString());
            assertEquals(1, receiver.await(r -> r.path().equals(PING + "/fail") && r.status() == 200, 1, WAIT).size(), receiver.requests().toString());
            assertEquals(2, receiver.refusedCount(), "two deliveries were refused");
            assertEquals(4, receiver.requests().size(), "each refused delivery was retried until it went through: " + receiver.requests());
            ReliabilityReport.record("backup-service: failure alert while the webhook answers 500", "1 failed pg_dump, 2 refused deliveries",
                    "0 alerts lost (delivered on retry)", "none");
        } finally {
            try (Connection connection = postgres.connectAsSuperuser(TestPostgres.DATABASE); Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE private_notes");
            }
        }
    }

    @Test
    @Order(3)
    void aSuccessfulBackupPingsTheSwitchAndRunsThePostHook() throws Exception {
        WebhookReceiver receiver = AlertReceiverResource.receiver();
        receiver.clear();
        String id = Api.backup(null);
        assertEquals(1, receiver.await(r -> r.path().equals(PING), 1, WAIT).size(), receiver.requests().toString());
        Processes.sleep(300);
        assertFalse(receiver.requests().stream().anyMatch(r -> r.path().equals("/hook")), "no webhook event on success unless asked: " + receiver.requests());
        List<String> post = Files.readAllLines(AlertReceiverResource.hookDir().resolve("post.log"));
        assertEquals("succeeded " + id, post.get(post.size() - 1));
    }
}
