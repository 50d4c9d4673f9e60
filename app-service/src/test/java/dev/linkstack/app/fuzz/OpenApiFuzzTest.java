package dev.linkstack.app.fuzz;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.OpenApiFuzzer;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of generated hostile requests against every operation of the app's own OpenAPI document, anonymous,
 * with garbage credentials and with a real admin session and API token. -Dreliability.heavy=true sends 20,000.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class OpenApiFuzzTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void noGeneratedRequestGetsA5xxOrLeaksInternals() throws Exception {
        Api.newUser(); // makes sure an admin exists (the first account)
        String adminName = Db.column("SELECT username FROM users ORDER BY id LIMIT 1").get(0);
        String session = Api.login(adminName, Api.PASSWORD);
        Api.Client admin = new Api.Client(adminName, session);
        String token = admin.request().body(Map.of("name", "fuzz")).post("/api/tokens")
                .then().statusCode(201).extract().path("token");
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            codes.add(Api.createLink(admin, "https://example.org/fuzz/" + i));
        }

        OpenApiFuzzer fuzzer = OpenApiFuzzer.of(base.toURI())
                // Its own client address, so the login throttle it trips does not slow other tests down.
                .header("X-Forwarded-For", "198.51.100.77")
                .identities(OpenApiFuzzer.Identity.garbage("linkstack_session"))
                .identities(List.of(
                        OpenApiFuzzer.Identity.real("admin session", Map.of("Cookie", "linkstack_session=" + session)),
                        OpenApiFuzzer.Identity.real("admin token", Map.of("Authorization", "Bearer " + token))))
                .knownValues("code", codes)
                .knownValues("username", List.of(adminName))
                // Ending the run's own session would turn the rest of the run into anonymous requests.
                .anonymousOnly("POST /api/auth/logout", "POST /account/logout")
                .forbidInBodies(RealServers.DB_PASSWORD, RealServers.REDIS_PASSWORD);
        assertTrue(fuzzer.operationKeys().contains("POST /api/links"), "the document lists the API: " + fuzzer.operationKeys());

        int requests = Integer.getInteger("fuzz.requests", Boolean.getBoolean("reliability.heavy") ? 20_000 : 3_000);
        OpenApiFuzzer.Result result = fuzzer.run(OpenApiFuzzer.seed(), requests);
        System.out.println("OpenAPI fuzz app-service: " + result.summary());
        ReliabilityReport.record("OpenAPI fuzz app-service (" + result.operations().size() + " operations, seed " + result.seed() + ")",
                String.format("%,d generated requests", result.requests()), String.valueOf(result.findings().size()), "n/a");
        result.assertClean();
    }
}
