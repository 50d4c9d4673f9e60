package dev.linkstack.backup.jobs;

import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.BackupFaultsResource;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.TableLock;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.ReliabilityReport;
import dev.linkstack.testing.TmpfsMount;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.linkstack.backup.testing.Api.authorized;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults of the machine under the backup-service: the backup disk filling up mid-dump, a read-only backup disk,
 * pg_dump missing, PostgreSQL killed with SIGKILL mid-dump. Disk faults use a real tmpfs mounted over the backup
 * directory (needs root: where mounting is not allowed they fail, or skip with -Dtests.allow-skips=true).
 */
@QuarkusTest
@QuarkusTestResource(value = BackupFaultsResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupFaultsTest {

    @InjectPostgres
    TestPostgres postgres;

    @Test
    @Order(1)
    void aBackupDiskThatFillsUpMidDumpFailsTheJobAndKeepsOlderBackups() throws Exception {
        Assumptions.assumeTrue(TmpfsMount.requireSupport(), "no tmpfs mount here: skipped as -Dtests.allow-skips=true asks");
        RestAssured.get("/q/health/ready").then().statusCode(200);
        try (TmpfsMount disk = TmpfsMount.mount(postgres.backupDir(), "2m", false)) {
            String older = Api.backup(null);
            String olderSha = sha256(postgres.backupDir().resolve(older + ".sql.gz"));
            List<String> listedBefore = Api.listedIds();
            double failuresBefore = Api.failureCount();
            // About 7.7 MB of random hex: compresses to far more than the 2 MB disk.
            postgres.psql(TestPostgres.DATABASE, "CREATE TABLE bulk AS SELECT g, md5(random()::text) || md5(random()::text)"
                    + " || md5(random()::text) || md5(random()::text) AS junk FROM generate_series(1, 60000) g;");
            try {
                Response job = Api.awaitJob(Api.trigger(null));
                int broken = 0;
                broken += "FAILED".equals(job.jsonPath().getString("state")) ? 0 : 1;
                broken += String.valueOf(job.jsonPath().getString("error")).contains("No space left on device") ? 0 : 1;
                broken += Api.listedIds().equals(listedBefore) ? 0 : 1;
                broken += postgres.backupDirListing().stream().noneMatch(name -> name.endsWith(".partial")) ? 0 : 1;
                broken += olderSha.equals(sha256(postgres.backupDir().resolve(older + ".sql.gz"))) ? 0 : 1;
                broken += Api.failureCount() == failuresBefore + 1 ? 0 : 1;
                ReliabilityReport.record("backup disk (2 MB tmpfs) fills up mid-dump", "1 backup of ~7.7 MB of data",
                        broken + " broken promises (job FAILED with reason, nothing partial listed, failure metric)",
                        olderSha.equals(sha256(postgres.backupDir().resolve(older + ".sql.gz"))) ? "0 (older backup intact)" : "older backup damaged");

                job.then().body("state", equalTo("FAILED")).body("error", containsString("writing the dump failed"))
                        .body("error", containsString("No space left on device"));
                assertEquals(listedBefore, Api.listedIds(), "nothing new is listed");
                assertTrue(postgres.backupDirListing().stream().noneMatch(name -> name.endsWith(".partial")), postgres.backupDirListing().toString());
                assertEquals(olderSha, sha256(postgres.backupDir().resolve(older + ".sql.gz")), "older backup intact");
                authorized().get("/api/backups/" + older).then().statusCode(200).body("sha256", equalTo(olderSha));
                assertEquals(failuresBefore + 1, Api.failureCount(), "failure counted in the metrics");
                // The space came back with the partial file: the service is ready for the next (smaller) attempt.
                RestAssured.get("/q/health/ready").then().statusCode(200);
            } finally {
                postgres.psql(TestPostgres.DATABASE, "DROP TABLE bulk;");
            }
            assertEquals(0, disk.dir().toFile().listFiles((d, name) -> name.endsWith(".partial")).length);
        }
    }

    @Test
    @Order(2)
    void aReadOnlyBackupDiskMakesTheServiceUnreadyWithTheReason() throws Exception {
        Assumptions.assumeTrue(TmpfsMount.requireSupport(), "no tmpfs mount here: skipped as -Dtests.allow-skips=true asks");
        try (TmpfsMount ignored = TmpfsMount.mount(postgres.backupDir(), "1m", true)) {
            RestAssured.get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'backup-directory' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'backup-directory' }.data.error", containsString("Read-only file system"));
            RestAssured.get("/q/health/live").then().statusCode(200);
            Response trigger = authorized().post("/api/backups");
            if (trigger.statusCode() == 202) {
                Api.awaitJob(trigger.jsonPath().getString("id")).then().body("state", equalTo("FAILED"))
                        .body("error", containsString("Read-only file system"));
            } else {
                trigger.then().statusCode(503).body("error", equalTo("backup_directory_unavailable"));
            }
            ReliabilityReport.record("backup directory read-only", "readiness + 1 backup attempt", "0 (readiness DOWN with reason, backup refused)", "none");
        }
        RestAssured.get("/q/health/ready").then().statusCode(200);
    }

    @Test
    @Order(3)
    void aMissingPgDumpMakesTheServiceUnreadyAndBackupsFailWithTheReason() throws Exception {
        // From a ready service, so the client is found and kept first: its loss must still show, and its return too.
        RestAssured.get("/q/health/ready").then().statusCode(200);
        Path toolDir = Path.of(ConfigProvider.getConfig().getValue("backup.pg-bin-dir", String.class));
        List<String> listedBefore = Api.listedIds();
        try {
            Files.delete(toolDir.resolve("pg_dump"));
            RestAssured.get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'pg_dump' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'pg_dump' }.data.error", containsString("pg_dump not found"));
            Response trigger = authorized().post("/api/backups");
            if (trigger.statusCode() == 202) {
                Api.awaitJob(trigger.jsonPath().getString("id")).then().body("state", equalTo("FAILED"))
                        .body("error", containsString("pg_dump"));
            } else {
                trigger.then().statusCode(503);
            }
            assertEquals(listedBefore, Api.listedIds());
            ReliabilityReport.record("pg_dump missing", "readiness + 1 backup attempt", "0 (readiness DOWN with reason, backup failed cleanly)", "none");
        } finally {
            BackupFaultsResource.linkTool(toolDir, "pg_dump");
        }
        RestAssured.get("/q/health/ready").then().statusCode(200);
    }

    @Test
    @Order(4)
    void postgresKilledWithSigkillMidDumpFailsTheJobCleanlyAndBackupsResumeAfterARestart() throws Exception {
        List<String> listedBefore = Api.listedIds();
        String jobId;
        List<ProcessHandle> killed = new ArrayList<>();
        try (TableLock lock = TableLock.hold(postgres, "public.orders")) {
            jobId = Api.trigger(null);
            lock.awaitBlockedDump(Duration.ofSeconds(30));
            ProcessHandle postmaster;
            try (Connection connection = postgres.connect(TestPostgres.DATABASE); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                postmaster = ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent).orElseThrow();
            }
            killed.add(postmaster);
            killed.addAll(postmaster.children().toList());
            // SIGKILL to the postmaster and every server process, as a crashed or OOM-killed container would leave it.
            killed.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle process : killed) {
                process.onExit().get(30, TimeUnit.SECONDS);
            }
        }
        try {
            Response job = Api.awaitJob(jobId);
            boolean clean = "FAILED".equals(job.jsonPath().getString("state")) && Api.listedIds().equals(listedBefore)
                    && postgres.backupDirListing().stream().noneMatch(name -> name.endsWith(".partial"));
            ReliabilityReport.record("PostgreSQL killed (SIGKILL, " + killed.size() + " processes) mid-dump", "1 backup",
                    clean ? "0 (job FAILED, nothing partial listed)" : "1", "none");
            job.then().body("state", equalTo("FAILED")).body("error", containsString("pg_dump failed"));
            assertEquals(listedBefore, Api.listedIds());
            assertTrue(postgres.backupDirListing().stream().noneMatch(name -> name.endsWith(".partial")), postgres.backupDirListing().toString());
        } finally {
            postgres.server().start();
        }
        RestAssured.get("/q/health/ready").then().statusCode(200);
        Api.backup(null);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
