package dev.linkstack.backup.pitr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkstack.backup.cli.BackupCommandLine;
import dev.linkstack.backup.testing.AlertReceiverResource;
import dev.linkstack.backup.testing.CommandLineRun;
import dev.linkstack.backup.testing.DurablePostgresResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.S3Resource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.backup.testing.WebhookReceiver;
import dev.linkstack.testing.Processes;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.linkstack.backup.pitr.PitrTesting.awaitReceiverRunning;
import static dev.linkstack.backup.pitr.PitrTesting.switchWal;
import static dev.linkstack.backup.testing.Api.authorized;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The off-site copy of the point-in-time archive while the store is down (S3Proxy killed) and once it is back, with
 * a real webhook receiver: one {@code offsite.failed} alert per outage, failures counted, the health check DOWN with
 * the failure, then every segment the store missed copied and the check UP again.
 */
@QuarkusTest
@QuarkusTestResource(value = DurablePostgresResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "backup.pitr.offsite-every", value = "PT1S"))
@QuarkusTestResource(value = S3Resource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = AlertReceiverResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PitrOffsiteOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Predicate<WebhookReceiver.Request> PITR_OFFSITE_FAILED =
            r -> r.path().equals("/hook") && r.body().contains("\"offsite.failed\"") && r.body().contains("\"pitr\"");

    @InjectPostgres
    TestPostgres postgres;

    @Inject
    WalReceiver receiver;

    @Inject
    BackupCommandLine commandLine;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    @Order(1)
    void theArchiveIsCopiedAndTheCheckIsUp() throws Exception {
        awaitReceiverRunning(receiver);
        authorized().post("/api/pitr/base-backups").then().log().ifValidationFails().statusCode(201);
        switchWal(postgres, 2);
        awaitEverythingCopied();
        JsonPath check = offsiteCheck();
        assertEquals("UP", check.getString("status"));
        assertNotNull(check.getString("data.caughtUpAt"), check.prettify());
        assertNull(check.getString("data.lastFailure"), check.prettify());
    }

    @Test
    @Order(2)
    void anOutageIsAlertedOnceCountedAndShownThenEverythingMissedIsCopied() throws Exception {
        WebhookReceiver webhook = AlertReceiverResource.receiver();
        webhook.clear();
        Set<String> completedWhileDown = whileTheStoreIsDown(() -> {
            switchWal(postgres, 3);
            List<WebhookReceiver.Request> alerts = webhook.await(PITR_OFFSITE_FAILED, 1, WAIT);
            assertEquals(1, alerts.size(), webhook.requests().toString());
            JsonNode event = json.readTree(alerts.get(0).body());
            assertEquals(TestPostgres.DATABASE, event.get("database").asText());
            assertFalse(event.get("error").asText().isBlank(), event.toString());
            assertTrue(event.has("pending"), event.toString());

            awaitFailures(3);
            JsonPath check = offsiteCheck();
            assertEquals("DOWN", check.getString("status"), check.prettify());
            assertNotNull(check.getString("data.failingSince"), check.prettify());
            assertFalse(check.getString("data.lastFailure").isBlank(), check.prettify());
            assertNotNull(authorized().get("/api/pitr/wal").jsonPath().getString("offsite.failingSince"), "the API shows the outage too");
            assertEquals(1, webhook.requests().stream().filter(PITR_OFFSITE_FAILED).count(), "one alert for the outage, not one a round");

            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "pitr-store-down-" + System.nanoTime());
            CommandLineRun restore = CommandLineRun.of(commandLine, "pitr-restore", "--to-dir", dir.toString(), "--latest", "--source", "offsite");
            assertEquals(BackupCommandLine.UNAVAILABLE, restore.exit(), restore.err());
            assertTrue(restore.err().contains("from the off-site copy failed"), restore.err());
            assertFalse(Files.exists(dir), "nothing written");
            return completedSegments();
        });
        awaitEverythingCopied();
        try (S3Client s3 = S3Resource.client()) {
            Set<String> offsite = s3.listObjectsV2Paginator(b -> b.bucket(S3Resource.BUCKET).prefix("shop/pitr/wal/")).contents().stream()
                    .map(o -> o.key().substring("shop/pitr/wal/".length())).collect(Collectors.toSet());
            assertTrue(offsite.containsAll(completedWhileDown), "every segment completed while the store was down is off-site: "
                    + completedWhileDown + " vs " + offsite);
        }
        JsonPath check = awaitCheck("UP");
        assertNull(check.getString("data.failingSince"), check.prettify());
        assertFalse(check.getString("data.lastFailure").isBlank(), "the last failure is still shown: " + check.prettify());
        assertEquals(1, webhook.requests().stream().filter(PITR_OFFSITE_FAILED).count(), webhook.requests().toString());
        ReliabilityReport.record("backup-service: off-site store (S3Proxy) killed while WAL is archived", "1 outage, 3 WAL switches",
                "0 segments left behind (copied once the store was back), 1 alert", "none");
    }

    @Test
    @Order(3)
    void theNextOutageIsAlertedAgain() throws Exception {
        WebhookReceiver webhook = AlertReceiverResource.receiver();
        webhook.clear();
        whileTheStoreIsDown(() -> {
            switchWal(postgres, 1);
            return webhook.await(PITR_OFFSITE_FAILED, 1, WAIT);
        });
        assertEquals(1, webhook.requests().stream().filter(PITR_OFFSITE_FAILED).count(), webhook.requests().toString());
        awaitEverythingCopied();
        awaitCheck("UP");
    }

    /** Runs {@code during} with the store killed, as a cut network would leave it, then starts it again. */
    private static <T> T whileTheStoreIsDown(Callable<T> during) throws Exception {
        S3Resource.server().kill();
        try {
            return during.call();
        } finally {
            S3Resource.server().start();
        }
    }

    private static void awaitEverythingCopied() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (metric("backup_pitr_offsite_backlog ") != 0 || offsiteCheck().getString("data.failingSince") != null) {
            assertTrue(System.nanoTime() < deadline, "the off-site copy never caught up: " + offsiteCheck().prettify());
            Processes.sleep(200);
        }
    }

    private static void awaitFailures(double atLeast) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (metric("backup_pitr_offsite_failures_total ") < atLeast) {
            assertTrue(System.nanoTime() < deadline, "failed rounds not counted: " + RestAssured.get("/q/metrics").asString());
            Processes.sleep(200);
        }
    }

    private static JsonPath awaitCheck(String status) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonPath check = offsiteCheck();
        while (!status.equals(check.getString("status"))) {
            assertTrue(System.nanoTime() < deadline, "pitr-offsite never " + status + ": " + check.prettify());
            Processes.sleep(200);
            check = offsiteCheck();
        }
        return check;
    }

    /** The pitr-offsite health check as JSON: its status and data. */
    private static JsonPath offsiteCheck() {
        return JsonPath.from(RestAssured.get("/q/health/well").asString())
                .setRootPath("checks.find { it.name == 'pitr-offsite' }");
    }

    private static double metric(String prefix) {
        return RestAssured.get("/q/metrics").asString().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(-1);
    }

    /** The gzipped, completed segments of the local archive. */
    private Set<String> completedSegments() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(receiver.status().dir()))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("[0-9A-F]{24}\\.gz")).collect(Collectors.toSet());
        }
    }
}
