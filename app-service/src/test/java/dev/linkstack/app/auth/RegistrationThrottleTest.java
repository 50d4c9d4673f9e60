package dev.linkstack.app.auth;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Forms;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every registration attempt costs a bcrypt hash, so attempts are counted per client address (API and form alike)
 * and refused with 429 past the limit, whether they would have succeeded or not.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
@TestProfile(RegistrationThrottleTest.FewRegistrations.class)
class RegistrationThrottleTest {
    static final int LIMIT = 4;

    public static class FewRegistrations implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.registration.max-attempts-per-address", String.valueOf(LIMIT));
        }
    }

    @Test
    void oneAddressGetsOnlyTheLimitOfRegistrationAttemptsPerWindow() {
        String address = "10.78.0.1";
        int created = 0;
        for (int i = 0; i < LIMIT; i++) {
            // Alternating good and rejected attempts: both cost a hash, both count.
            int status = register(Api.uniqueName("signup"), i % 2 == 0 ? Api.PASSWORD : "short", address).statusCode();
            assertTrue(status == 201 || status == 400, "attempt " + (i + 1) + " is answered: " + status);
            created += status == 201 ? 1 : 0;
        }
        Response refused = register(Api.uniqueName("signup"), Api.PASSWORD, address);
        refused.then().statusCode(429).contentType(ContentType.JSON).body("error", equalTo("too_many_attempts"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 3600, "Retry-After within the window: " + retryAfter);

        // The form is counted on the same address and refused the same way, with the message on the page.
        Forms.Csrf csrf = Forms.csrf("/account/register");
        Response page = csrf.post("/account/register", Map.of("username", Api.uniqueName("signup"), "password", Api.PASSWORD), address);
        page.then().statusCode(429).body(containsString("Too many"));
        assertTrue(Long.parseLong(page.header("Retry-After")) > 0);

        // Another address is not affected.
        register(Api.uniqueName("signup"), Api.PASSWORD, "10.78.0.2").then().statusCode(201);
        assertEquals(LIMIT / 2, created);
        ReliabilityReport.record("registration flood from one client address", (LIMIT + 2) + " attempts (API and form)",
                "0 attempts past the limit of " + LIMIT, "n/a");
    }

    private static Response register(String username, String password, String address) {
        return RestAssured.given().contentType(ContentType.JSON).header("X-Forwarded-For", address)
                .body(Map.of("username", username, "password", password)).post("/api/auth/register");
    }
}
