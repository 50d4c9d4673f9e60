package dev.linkstack.backup.jobs;

import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.Backups;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TableLock;
import dev.linkstack.backup.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service as deployed: a daily schedule, a tight timeout and retention that keeps only the newest backup.
 * Checks the pg_dump timeout, that retention runs only after a success, and the freshness check.
 */
@QuarkusTest
@TestProfile(ScheduledServiceTest.DailyWithStrictRetention.class)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScheduledServiceTest {

    public static class DailyWithStrictRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "backup.cron", "0 0 3 * * ?",
                    "backup.timeout", "PT3S",
                    "backup.retention.days", "7",
                    "backup.retention.keep-last", "1");
        }
    }

    @InjectPostgres
    TestPostgres postgres;

    @Test
    @Order(1)
    void staleBackupsMakeTheFreshnessCheckDown() {
        Backups.write(new BackupStore(postgres.backupDir()), TestPostgres.DATABASE, Instant.parse("2020-01-01T03:00:00Z"));
        RestAssured.get("/q/health").then().statusCode(503)
                .body("checks.find { it.name == 'backup-freshness' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'backup-freshness' }.data.maxAge", equalTo("PT48H"))
                .body("checks.find { it.name == 'backup-freshness' }.data.lastSuccess", equalTo("2020-01-01T03:00:00Z"));
        // Staleness is an alert, not a reason to take the API out of service.
        RestAssured.get("/q/health/ready").then().statusCode(200);
    }

    @Test
    @Order(2)
    void aStuckPgDumpIsKilledAtTheTimeoutAndRetentionDoesNotRun() throws Exception {
        List<String> filesBefore = postgres.backupDirListing();
        String jobId;
        try (TableLock lock = TableLock.hold(postgres, "public.orders")) {
            jobId = Api.trigger(null);
            lock.awaitBlockedDump(Duration.ofSeconds(30));
            Response job = Api.awaitJob(jobId);
            job.then().body("state", equalTo("FAILED")).body("error", containsString("did not finish within PT3S"));
        }
        assertEquals(filesBefore, postgres.backupDirListing(), "a failed backup neither adds nor removes files");
        assertTrue(ProcessHandle.current().descendants().noneMatch(p -> p.info().command().map(c -> c.endsWith("/pg_dump")).orElse(false)),
                "pg_dump was killed");
    }

    @Test
    @Order(3)
    void aSuccessfulBackupAppliesRetentionAndRestoresFreshness() throws Exception {
        String old = Backups.metadata(TestPostgres.DATABASE, Instant.parse("2020-01-01T03:00:00Z")).id();
        Files.writeString(postgres.backupDir().resolve("operator-notes.txt"), "not ours");
        Response job = Api.awaitJob(Api.trigger(null));
        job.then().body("state", equalTo("SUCCEEDED")).body("deletedByRetention", hasItem(old));
        String id = job.jsonPath().getString("backupId");
        assertEquals(List.of(id), Api.authorized().get("/api/backups").jsonPath().getList("id"));
        assertTrue(Files.exists(postgres.backupDir().resolve("operator-notes.txt")), "foreign file untouched");
        RestAssured.get("/q/health").then().statusCode(200)
                .body("checks.find { it.name == 'backup-freshness' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'backup-freshness' }.data.lastBackupId", equalTo(id));
    }
}
