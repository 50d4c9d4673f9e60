package dev.linkstack.backup.fuzz;

import dev.linkstack.backup.testing.Api;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.OpenApiFuzzer;
import dev.linkstack.testing.PostgresServer;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated hostile requests against every operation of the backup-service's own OpenAPI document, anonymous, with
 * garbage credentials, with the API token and with a page session. -Dreliability.heavy=true sends 10,000.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
class OpenApiFuzzTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void noGeneratedRequestGetsA5xxOrLeaksInternals() throws Exception {
        String backupId = Api.backup(null);
        String pageSession = RestAssured.given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("token", Api.TOKEN).post("/ui/login").then().statusCode(303).extract().cookie("backup_session");

        OpenApiFuzzer fuzzer = OpenApiFuzzer.of(base.toURI())
                .identities(OpenApiFuzzer.Identity.garbage("backup_session"))
                .identities(List.of(
                        OpenApiFuzzer.Identity.real("API token", Map.of("Authorization", "Bearer " + Api.TOKEN)),
                        OpenApiFuzzer.Identity.real("page session", Map.of("Cookie", "backup_session=" + pageSession))))
                .knownValues("id", List.of(backupId))
                .anonymousOnly("POST /ui/logout")
                .forbidInBodies(TestPostgres.OWNER_PASSWORD, PostgresServer.SUPERUSER_PASSWORD);
        assertTrue(fuzzer.operationKeys().contains("POST /api/backups"), "the document lists the API: " + fuzzer.operationKeys());

        int requests = Integer.getInteger("fuzz.requests", Boolean.getBoolean("reliability.heavy") ? 10_000 : 2_000);
        OpenApiFuzzer.Result result = fuzzer.run(OpenApiFuzzer.seed(), requests);
        System.out.println("OpenAPI fuzz backup-service: " + result.summary());
        ReliabilityReport.record("OpenAPI fuzz backup-service (" + result.operations().size() + " operations, seed " + result.seed() + ")",
                String.format("%,d generated requests", result.requests()), String.valueOf(result.findings().size()), "n/a");
        result.assertClean();
    }
}
