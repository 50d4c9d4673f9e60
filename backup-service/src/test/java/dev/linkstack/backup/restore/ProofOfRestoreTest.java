package dev.linkstack.backup.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkstack.backup.testing.AlertReceiverResource;
import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TableLock;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.backup.testing.WebhookReceiver;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proof of restore: row counts recorded in the dump's own snapshot, the restore test that compares them, its result
 * on the backup, the alert and the health check when it fails.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = AlertReceiverResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProofOfRestoreTest {

    @InjectPostgres
    TestPostgres postgres;

    @Inject
    BackupVerification verification;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    @Order(1)
    void countsAreTakenInTheDumpsSnapshotAndTheScheduledRestoreMatchesThem() throws Exception {
        long customersBefore = count("public.customers");
        long ordersBefore = count("public.orders");
        String jobId;
        try (TableLock lock = TableLock.hold(postgres, "public.orders")) {
            jobId = Api.trigger(null);
            lock.awaitBlockedDump(Duration.ofSeconds(30));
            // Committed while pg_dump waits: neither the dump nor its recorded counts may see these rows.
            postgres.psql(TestPostgres.DATABASE, "INSERT INTO customers (name) SELECT 'late ' || i FROM generate_series(1, 5) i;");
        }
        Response job = Api.awaitJob(jobId);
        job.then().body("state", equalTo("SUCCEEDED"));
        String id = job.jsonPath().getString("backupId");
        assertEquals(customersBefore + 5, count("public.customers"));

        Response backup = authorized().get("/api/backups/" + id);
        assertEquals(customersBefore, rowsOf(backup, "customers"), backup.asString());
        assertEquals(ordersBefore, rowsOf(backup, "orders"), backup.asString());

        VerifyReport report = verification.verifyNewest("schedule").orElseThrow();
        assertTrue(report.ok(), String.valueOf(report.error()));
        assertEquals(customersBefore, report.tables().stream().filter(t -> t.table().equals("customers")).findFirst().orElseThrow().rows());

        authorized().get("/api/backups").then().statusCode(200)
                .body("[0].id", equalTo(id))
                .body("[0].lastVerification.ok", equalTo(true))
                .body("[0].lastVerification.trigger", equalTo("schedule"));
        RestAssured.get("/q/health/well").then().body("checks.find { it.name == 'backup-verified' }.status", equalTo("UP"));
        try (Connection connection = postgres.connectAsSuperuser("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'backup_verify_%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the scratch database is dropped");
        }
    }

    @Test
    @Order(2)
    void aRestoreThatDiffersFromTheRecordedCountsFailsAlertsAndTurnsHealthDown() throws Exception {
        String id = authorized().get("/api/backups").jsonPath().getString("[0].id");
        // The metadata claims one more order than the dump holds, as if rows went missing on the way.
        Path metadata = postgres.backupDir().resolve(id + ".json");
        ObjectNode tree = (ObjectNode) json.readTree(metadata.toFile());
        for (JsonNode table : tree.get("tableRows")) {
            if (table.get("table").asText().equals("orders")) {
                ((ObjectNode) table).put("rows", table.get("rows").asLong() + 1);
            }
        }
        json.writeValue(metadata.toFile(), tree);
        WebhookReceiver receiver = AlertReceiverResource.receiver();
        receiver.clear();

        authorized().post("/api/backups/" + id + "/verify").then().statusCode(422)
                .body("ok", equalTo(false))
                .body("error", containsString("row counts differ from those recorded at backup time: public.orders"));

        RestAssured.get("/q/health/well").then().statusCode(503)
                .body("checks.find { it.name == 'backup-verified' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'backup-verified' }.data.backupId", equalTo(id));
        authorized().get("/api/backups/" + id).then().body("lastVerification.ok", equalTo(false)).body("lastVerification.trigger", equalTo("api"));
        List<WebhookReceiver.Request> alerts = receiver.await(r -> r.path().equals("/hook"), 1, Duration.ofSeconds(20));
        assertEquals(1, alerts.size(), receiver.requests().toString());
        JsonNode event = json.readTree(alerts.get(0).body());
        assertEquals("verification.failed", event.get("event").asText());
        assertEquals(id, event.get("backupId").asText());
        ReliabilityReport.record("backup-service: restore test finds fewer rows than counted at backup time", "1 verification",
                "detected (verify 422, health DOWN, alert sent)", "none (the backup is flagged, not trusted)");
    }

    private long count(String table) throws Exception {
        try (Connection connection = postgres.connect(TestPostgres.DATABASE); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long rowsOf(Response backup, String table) {
        List<Map<String, Object>> rows = backup.jsonPath().getList("tableRows");
        return rows.stream().filter(r -> table.equals(r.get("table"))).map(r -> ((Number) r.get("rows")).longValue()).findFirst()
                .orElseThrow(() -> new AssertionError("no count for " + table));
    }
}
