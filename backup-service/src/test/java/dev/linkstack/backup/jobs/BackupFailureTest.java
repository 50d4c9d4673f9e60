package dev.linkstack.backup.jobs;

import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TableLock;
import dev.linkstack.backup.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What happens when pg_dump or PostgreSQL fails, and when backups collide. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupFailureTest {

    @InjectPostgres
    TestPostgres postgres;

    @Test
    @Order(1)
    void pgDumpKilledMidRunLeavesNoPartialBackupAndKeepsOlderOnes() throws Exception {
        String older = Api.backup(null);
        byte[] olderBytes = Files.readAllBytes(postgres.backupDir().resolve(older + ".sql.gz"));
        List<String> listedBefore = Api.listedIds();
        double failuresBefore = Api.failureCount();

        String jobId;
        try (TableLock lock = TableLock.hold(postgres, "public.orders")) {
            jobId = Api.trigger(null);
            lock.awaitBlockedDump(Duration.ofSeconds(30));
            assertTrue(postgres.backupDirListing().stream().anyMatch(name -> name.endsWith(".partial")), "the dump is being written");
            ProcessHandle pgDump = ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/pg_dump")).orElse(false))
                    .findFirst().orElseThrow(() -> new AssertionError("no pg_dump child process"));
            String commandLine = pgDump.info().commandLine().orElse("");
            assertTrue(commandLine.contains("--format=plain"), "sees pg_dump's arguments: " + commandLine);
            assertFalse(commandLine.contains(TestPostgres.OWNER_PASSWORD), "the password never reaches the command line");
            // SIGKILL, as "kill -9" sends it; the job's error below proves the signal.
            assertTrue(pgDump.destroyForcibly(), "SIGKILL sent to pg_dump " + pgDump.pid());
        }

        Response job = Api.awaitJob(jobId);
        job.then().body("state", equalTo("FAILED")).body("error", containsString("killed by signal 9"));
        assertEquals(listedBefore, Api.listedIds(), "nothing new is listed");
        assertTrue(postgres.backupDirListing().stream().noneMatch(name -> name.endsWith(".partial")), "partial file removed: " + postgres.backupDirListing());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(olderBytes)),
                authorized().get("/api/backups/" + older).jsonPath().getString("sha256"));
        assertEquals(olderBytes.length, Files.size(postgres.backupDir().resolve(older + ".sql.gz")), "older backup intact");
        assertEquals(failuresBefore + 1, Api.failureCount(), "failure counted in the metrics");
    }

    @Test
    @Order(2)
    void twoConcurrentTriggersMakeExactlyOneBackup() throws Exception {
        int listedBefore = Api.listedIds().size();
        List<Response> responses = new ArrayList<>();
        try (TableLock lock = TableLock.hold(postgres, "public.orders")) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CountDownLatch start = new CountDownLatch(1);
            Callable<Response> trigger = () -> {
                start.await();
                return authorized().post("/api/backups");
            };
            List<Future<Response>> futures = List.of(pool.submit(trigger), pool.submit(trigger));
            start.countDown();
            for (Future<Response> future : futures) {
                responses.add(future.get());
            }
            pool.shutdown();
            lock.awaitBlockedDump(Duration.ofSeconds(30));
            // A third trigger while the first still runs: also refused, with the running job.
            authorized().post("/api/backups").then().statusCode(409).body("error", equalTo("backup_running"));
        }
        responses.sort((a, b) -> Integer.compare(a.statusCode(), b.statusCode()));
        assertEquals(List.of(202, 409), responses.stream().map(Response::statusCode).toList());
        String runningJob = responses.get(0).jsonPath().getString("id");
        responses.get(1).then().body("error", equalTo("backup_running")).body("runningJob.id", equalTo(runningJob))
                .body("runningJob.state", equalTo("RUNNING"));

        Api.awaitJob(runningJob).then().body("state", equalTo("SUCCEEDED"));
        assertEquals(listedBefore + 1, Api.listedIds().size(), "exactly one backup");
    }

    @Test
    @Order(3)
    void aBackupRunningInAnotherInstanceBlocksThisOne() throws Exception {
        try (Connection other = postgres.connect(TestPostgres.DATABASE)) {
            try (PreparedStatement statement = other.prepareStatement("SELECT set_config('application_name', 'backup-service job on other-host', false), pg_advisory_lock(?)")) {
                statement.setLong(1, BackupLock.key(TestPostgres.DATABASE));
                statement.execute();
            }
            authorized().post("/api/backups").then().statusCode(409)
                    .body("error", equalTo("backup_running"))
                    .body("message", containsString("another instance"))
                    .body("message", containsString("other-host"));
        }
        // The other instance is gone (session closed): the lock went with it.
        Api.backup(null);
    }

    @Test
    @Order(4)
    void postgresStoppedMidDumpFailsTheJobCleanly() throws Exception {
        List<String> listedBefore = Api.listedIds();
        String jobId;
        try (TableLock lock = TableLock.hold(postgres, "public.customers")) {
            jobId = Api.trigger(null);
            lock.awaitBlockedDump(Duration.ofSeconds(30));
            postgres.server().stop();
        }
        try {
            // pg_dump's own stderr is part of the reported error.
            Api.awaitJob(jobId).then().body("state", equalTo("FAILED")).body("error", containsString("pg_dump failed"))
                    .body("error", containsString("terminating connection"));
            assertEquals(listedBefore, Api.listedIds());
            assertTrue(postgres.backupDirListing().stream().noneMatch(name -> name.endsWith(".partial")), postgres.backupDirListing().toString());
        } finally {
            postgres.server().start();
        }
    }

    @Test
    @Order(5)
    void postgresDownMakesTheServiceUnreadyAndBackupsFailCleanly() throws Exception {
        List<String> listedBefore = Api.listedIds();
        RestAssured.get("/q/health/ready").then().statusCode(200);
        postgres.server().stop();
        try {
            RestAssured.get("/q/health/ready").then().statusCode(503)
                    .body("status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'target-database' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'backup-directory' }.status", equalTo("UP"));
            RestAssured.get("/q/health/live").then().statusCode(200);

            Response accepted = authorized().post("/api/backups");
            accepted.then().statusCode(202);
            Api.awaitJob(accepted.jsonPath().getString("id")).then()
                    .body("state", equalTo("FAILED"))
                    .body("error", containsString("unreachable"));
            assertEquals(listedBefore, Api.listedIds());
            assertTrue(postgres.backupDirListing().stream().noneMatch(name -> name.endsWith(".partial")));
        } finally {
            postgres.server().start();
        }
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        Api.backup(null);
    }
}
