package dev.linkstack.app.security;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Forms;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.LogScan;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No password, token, session id or server credential reaches the log. Does everything that handles a secret (sign-up,
 * sign-in right and wrong, on the API and the page, malformed bodies around a password, tokens good and bad, logout),
 * then scans the whole %test log file, which also holds what every test class before it did in this JVM.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class LogHygieneTest {

    @Test
    void noSecretEverAppearsInTheLog() {
        String unique = UUID.randomUUID().toString().replace("-", "");
        String password = "Pw-" + unique.substring(0, 16);
        String wrongPassword = "Wrong-" + unique.substring(16);
        String name = Api.uniqueName("logs");
        Api.register(name, password).then().statusCode(201);
        String session = Api.login(name, password);
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", name, "password", wrongPassword))
                .post("/api/auth/login").then().statusCode(401);
        RestAssured.given().contentType(ContentType.JSON).body("{\"username\": \"" + name + "\", \"password\": \"" + wrongPassword)
                .post("/api/auth/login").then().statusCode(400);
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", name, "password", wrongPassword.repeat(10)))
                .post("/api/auth/register").then().statusCode(400);
        Forms.csrf("/account/login").post("/account/login", Map.of("username", name, "password", wrongPassword), null).then().statusCode(401);
        String token = RestAssured.given().cookie("linkstack_session", session).contentType(ContentType.JSON)
                .body(Map.of("name", "log check")).post("/api/tokens").then().statusCode(201).extract().path("token");
        RestAssured.given().header("Authorization", "Bearer " + token).get("/api/links").then().statusCode(200);
        String forgedToken = "lsk_" + unique + "forged0";
        RestAssured.given().header("Authorization", "Bearer " + forgedToken).get("/api/links").then().statusCode(401);
        RestAssured.given().cookie("linkstack_session", session + "x").get("/api/links").then().statusCode(401);
        RestAssured.given().cookie("linkstack_session", session).contentType(ContentType.JSON).post("/api/auth/logout").then().statusCode(204);

        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("shared test password", Api.PASSWORD);
        secrets.put("this test's password", password);
        secrets.put("wrong password", wrongPassword);
        secrets.put("session id", session);
        secrets.put("API token", token);
        secrets.put("forged API token", forgedToken);
        secrets.put("database password", RealServers.DB_PASSWORD);
        secrets.put("Redis password", RealServers.REDIS_PASSWORD);
        List<Path> files = LogScan.files(Path.of("target"), "quarkus-test.log");
        assertTrue(!files.isEmpty(), "the %test log file exists (quarkus.log.file)");
        LogScan.Result result = LogScan.scan(files, secrets, LogScan.CREDENTIAL_PATTERNS);
        ReliabilityReport.record("secrets in the app-service test log (" + secrets.size() + " secrets + 2 patterns)",
                String.format("%,d log lines", result.lines()), String.valueOf(result.leaks().size()), "n/a");
        assertTrue(result.lines() > 0, "the log has content");
        assertTrue(result.leaks().isEmpty(), "secrets in the log: " + result.leaks());
    }
}
