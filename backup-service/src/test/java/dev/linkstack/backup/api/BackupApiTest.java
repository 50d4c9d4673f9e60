package dev.linkstack.backup.api;

import dev.linkstack.backup.model.BackupMetadata;
import dev.linkstack.backup.store.BackupStore;
import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.Backups;
import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.Processes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static dev.linkstack.backup.testing.Api.authorized;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
class BackupApiTest {

    @InjectPostgres
    TestPostgres postgres;

    @Test
    void retentionPreviewListsExpiredBackupsWithoutDeletingThem() throws IOException {
        BackupStore store = new BackupStore(postgres.backupDir());
        // Stand-ins far older than the 30-day default; keep-last 3 keeps the newest three of them.
        List<BackupMetadata> old = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            old.add(Backups.write(store, TestPostgres.DATABASE, Instant.now().minus(Duration.ofDays(400 + i))));
        }
        try {
            Response preview = authorized().get("/api/backups/retention-preview");
            preview.then().statusCode(200).body("database", equalTo(TestPostgres.DATABASE)).body("rules.keepLast", equalTo(3));
            List<String> wouldDelete = preview.jsonPath().getList("delete.id");
            assertTrue(wouldDelete.containsAll(List.of(old.get(3).id(), old.get(4).id())), preview.asString());
            assertFalse(wouldDelete.contains(old.get(0).id()), preview.asString());
            assertTrue(Files.exists(store.dumpFile(old.get(4))), "the preview deletes nothing");
            given().get("/api/backups/retention-preview").then().statusCode(401);
        } finally {
            for (BackupMetadata backup : old) {
                store.delete(backup.id());
            }
        }
    }

    @Test
    void withoutTokenEveryApiPathIsUnauthorized() {
        List<String> filesBefore = postgres.backupDirListing();
        for (String path : List.of("/api/backups", "/api/backups/jobs", "/api/backups/shop-20260101T000000000Z", "/api/nothing-here")) {
            given().get(path).then().statusCode(401)
                    .header("WWW-Authenticate", "Bearer")
                    .contentType("application/json")
                    .body("error", equalTo("unauthorized"));
        }
        given().post("/api/backups").then().statusCode(401).body("error", equalTo("unauthorized"));
        Processes.sleep(500);
        assertEquals(filesBefore, postgres.backupDirListing(), "an unauthorized trigger must not back up");
    }

    @Test
    void wrongTokenOrSchemeIsUnauthorized() {
        given().header("Authorization", "Bearer test-tokeN").get("/api/backups").then().statusCode(401).body("error", equalTo("unauthorized"));
        given().header("Authorization", "Bearer test-token-and-more").get("/api/backups").then().statusCode(401);
        given().header("Authorization", "Basic dGVzdC10b2tlbg==").get("/api/backups").then().statusCode(401);
        given().header("Authorization", "Bearer ").get("/api/backups").then().statusCode(401);
        authorized().get("/api/backups").then().statusCode(200);
    }

    @Test
    void healthAndMetricsNeedNoToken() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'target-database' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'backup-directory' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'pg_dump' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'pg_dump' }.data.serverMajor", equalTo(15));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..%2F..%2Fetc%2Fpasswd", "..%2Fshop-20260101T000000000Z", "%2Fetc%2Fpasswd", "..", "shop-20260101T000000000Z.json",
            "SHOP-20260101T000000000Z", "shop-20260101T000000000Z%00", "a%5C..%5Cb", "%2e%2e"})
    void malformedIdsAreRejectedWithoutTouchingTheDisk(String rawId) {
        for (String suffix : List.of("", "/download")) {
            Response response = authorized().urlEncodingEnabled(false).get("/api/backups/" + rawId + suffix);
            assertTrue(response.statusCode() == 400 || response.statusCode() == 404, rawId + suffix + " answered " + response.statusCode());
            assertEquals("application/json", response.contentType().split(";")[0], rawId);
            assertFalse(response.asString().contains("root:"), "file contents leaked");
        }
        Response delete = authorized().urlEncodingEnabled(false).delete("/api/backups/" + rawId);
        assertTrue(delete.statusCode() == 400 || delete.statusCode() == 404, rawId + " delete answered " + delete.statusCode());
        Response verify = authorized().urlEncodingEnabled(false).post("/api/backups/" + rawId + "/verify");
        assertTrue(verify.statusCode() == 400 || verify.statusCode() == 404, rawId + " verify answered " + verify.statusCode());
    }

    @Test
    void traversalIdIsABadRequest() {
        authorized().urlEncodingEnabled(false).get("/api/backups/..%2F..%2Fetc%2Fpasswd/download")
                .then().statusCode(400).body("error", equalTo("bad_request")).body("message", equalTo("Invalid backup id"));
    }

    @Test
    void unknownIdsAreNotFound() {
        authorized().get("/api/backups/shop-20200101T000000000Z").then().statusCode(404).body("error", equalTo("not_found"));
        authorized().get("/api/backups/shop-20200101T000000000Z/download").then().statusCode(404).body("error", equalTo("not_found"));
        authorized().delete("/api/backups/shop-20200101T000000000Z").then().statusCode(404);
        authorized().post("/api/backups/shop-20200101T000000000Z/verify").then().statusCode(404);
        authorized().get("/api/backups/jobs/00000000-0000-0000-0000-000000000000").then().statusCode(404).body("error", equalTo("not_found"));
        authorized().get("/api/backups/jobs/not-a-job").then().statusCode(400).body("error", equalTo("bad_request"));
    }

    @Test
    void badTriggerBodiesAreRejected() {
        authorized().contentType("application/json").body("{\"format\":\"rar\"}").post("/api/backups")
                .then().statusCode(400).body("error", equalTo("bad_request")).body("message", containsString("format"));
        authorized().contentType("application/json").body("{\"format\":\"gzip\",\"extra\":1}").post("/api/backups")
                .then().statusCode(400).body("message", containsString("extra"));
        authorized().contentType("application/json").body("{\"format\":").post("/api/backups")
                .then().statusCode(400).body("error", equalTo("bad_request"));
        authorized().contentType("application/json").body("[1,2]").post("/api/backups")
                .then().statusCode(400).body("error", equalTo("bad_request"));
        authorized().contentType("text/plain").body("gzip").post("/api/backups")
                .then().statusCode(415).body("error", equalTo("unsupported_media_type"));
    }

    @Test
    void badRestoreRequestsAreRejected() {
        String id = Api.backup(null);
        String path = "/api/backups/" + id + "/restore";
        authorized().contentType("application/json").post(path).then().statusCode(400).body("error", equalTo("bad_request"));
        authorized().contentType("application/json").body("{\"database\":\"copy\"}").post(path)
                .then().statusCode(400).body("message", containsString("confirm"));
        authorized().contentType("application/json").body("{\"database\":\"copy\",\"confirm\":\"other\"}").post(path)
                .then().statusCode(400).body("message", containsString("confirm"));
        authorized().contentType("application/json").body("{\"database\":\"x\\\"; DROP DATABASE shop; --\",\"confirm\":\"x\\\"; DROP DATABASE shop; --\"}").post(path)
                .then().statusCode(400).body("message", containsString("Invalid database name"));
        authorized().contentType("application/json").body("{\"database\":1,\"confirm\":true,\"x\":[]}").post(path)
                .then().statusCode(400).body("error", equalTo("bad_request"));
    }

    @Test
    void triggerListGetDownloadAndDelete() throws Exception {
        Instant before = Instant.now();
        Response accepted = authorized().post("/api/backups");
        accepted.then().statusCode(202).body("state", equalTo("RUNNING")).body("trigger", equalTo("api")).body("format", equalTo("gzip"));
        String jobId = accepted.jsonPath().getString("id");
        assertTrue(accepted.header("Location").endsWith("/api/backups/jobs/" + jobId), accepted.header("Location"));

        Response job = Api.awaitJob(jobId);
        job.then().body("state", equalTo("SUCCEEDED")).body("database", equalTo("shop"));
        String id = job.jsonPath().getString("backupId");
        String newer = Api.backup("{\"format\":\"zstd\"}");

        List<String> ids = authorized().get("/api/backups").then().statusCode(200).extract().jsonPath().getList("id");
        assertEquals(0, ids.indexOf(newer), "newest first: " + ids);
        assertEquals(1, ids.indexOf(id), "newest first: " + ids);

        Response metadata = authorized().get("/api/backups/" + id);
        metadata.then().statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("database", equalTo("shop"))
                .body("format", equalTo("gzip"))
                .body("file", equalTo(id + ".sql.gz"))
                .body("pgDumpVersion", containsString("15."))
                .body("serverVersion", startsWith("15."))
                .body("trigger", equalTo("api"));
        assertFalse(Instant.parse(metadata.jsonPath().getString("startedAt")).isBefore(before.minusSeconds(1)));
        long size = metadata.jsonPath().getLong("sizeBytes");
        String sha256 = metadata.jsonPath().getString("sha256");

        Response download = authorized().get("/api/backups/" + id + "/download");
        download.then().statusCode(200).contentType("application/gzip")
                .header("X-Checksum-SHA256", sha256)
                .header("Content-Length", String.valueOf(size))
                .header("Content-Disposition", containsString(id + ".sql.gz"));
        byte[] body = download.asByteArray();
        assertEquals(size, body.length);
        assertEquals(sha256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
        assertArrayEquals(Files.readAllBytes(postgres.backupDir().resolve(id + ".sql.gz")), body);
        String sql = gunzip(body);
        assertTrue(sql.contains("CREATE TABLE public.customers"), "a plain SQL dump");
        assertFalse(sql.contains(TestPostgres.OWNER_PASSWORD), "no password in the dump");

        authorized().delete("/api/backups/" + id).then().statusCode(204);
        authorized().get("/api/backups/" + id).then().statusCode(404);
        assertFalse(Files.exists(postgres.backupDir().resolve(id + ".sql.gz")));
        assertFalse(Files.exists(postgres.backupDir().resolve(id + ".json")));
        authorized().get("/api/backups/" + newer).then().statusCode(200);
    }

    @Test
    void metricsDescribeTheLastBackup() {
        String id = Api.backup(null);
        long size = authorized().get("/api/backups/" + id).jsonPath().getLong("sizeBytes");
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("backup_last_size_bytes{database=\"shop\"} " + (double) size)
                || metrics.contains("backup_last_size_bytes{database=\"shop\",} " + (double) size), metrics);
        assertTrue(metrics.contains("backup_last_success_timestamp_seconds{database=\"shop\"}"), "last success gauge");
        assertTrue(metrics.contains("backup_last_duration_seconds{database=\"shop\"}"), "duration gauge");
        assertTrue(metrics.contains("backup_failures_total{database=\"shop\"}"), "failure counter");
    }

    @Test
    void openApiDescribesTheApi() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/backups/{id}/restore'.post", not(is((Object) null)));
    }

    private static String gunzip(byte[] data) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
