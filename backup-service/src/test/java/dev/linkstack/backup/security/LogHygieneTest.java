package dev.linkstack.backup.security;

import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.LogScan;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Neither the API token nor a database password reaches the log: runs a backup and a verify (pg_dump and psql get
 * the password), presents wrong tokens to the API and the page, then scans the whole %test log file, which also
 * holds what every test class before it did in this JVM.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
class LogHygieneTest {

    @Test
    void noSecretEverAppearsInTheLog() {
        String wrongToken = "wrong-" + UUID.randomUUID();
        String id = Api.backup(null);
        Api.authorized().post("/api/backups/" + id + "/verify").then().statusCode(200);
        RestAssured.given().header("Authorization", "Bearer " + wrongToken).get("/api/backups").then().statusCode(401);
        RestAssured.given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParam("token", wrongToken)
                .post("/ui/login").then().statusCode(401);

        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("API token", Api.TOKEN);
        secrets.put("wrong API token", wrongToken);
        secrets.put("database owner password", TestPostgres.OWNER_PASSWORD);
        secrets.put("superuser password", PostgresServer.SUPERUSER_PASSWORD);
        List<Path> files = LogScan.files(Path.of("target"), "quarkus-test.log");
        assertTrue(!files.isEmpty(), "the %test log file exists (quarkus.log.file)");
        LogScan.Result result = LogScan.scan(files, secrets, Map.of());
        ReliabilityReport.record("secrets in the backup-service test log (" + secrets.size() + " secrets)",
                String.format("%,d log lines", result.lines()), String.valueOf(result.leaks().size()), "n/a");
        assertTrue(result.lines() > 0, "the log has content");
        assertTrue(result.leaks().isEmpty(), "secrets in the log: " + result.leaks());
    }
}
