package dev.linkstack.app.backend;

import dev.linkstack.app.clicks.ClickRelay;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Redis goes away mid-test: redirects keep working from the database, login says 503, nothing is lost. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class RedisOutageTest {

    @Inject
    ClickRelay flusher;

    @Test
    void redirectsSurviveARedisOutageAndClicksAreNotLost() throws InterruptedException {
        Api.Client client = Api.newUser();
        String warm = Api.createLink(client, "https://example.org/warm");
        String cold = Api.createLink(client, "https://example.org/cold");
        Api.redirect(warm).then().statusCode(302);
        flusher.flush();

        RealServers.redis().stop();
        try {
            for (int i = 0; i < 20; i++) {
                Api.redirect(warm).then().statusCode(302).header("Location", equalTo("https://example.org/warm"));
                Api.redirect(cold).then().statusCode(302).header("Location", equalTo("https://example.org/cold"));
            }
            Api.redirect("missing-during-outage").then().statusCode(404);

            RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", client.username(), "password", Api.PASSWORD))
                    .post("/api/auth/login").then().statusCode(503).body("error", equalTo("service_unavailable"))
                    .body("message", containsString("unavailable"));
            client.request().get("/api/links").then().statusCode(503).body("status", equalTo(503));
            RestAssured.given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                    .body("checks.status", hasItem("DOWN"));
            // The outage does not reach the database check or liveness.
            RestAssured.given().get("/q/health/live").then().statusCode(200);

            flusher.flush(); // Redis down: counts go straight to the database
        } finally {
            RealServers.redis().start();
        }
        awaitReady(Duration.ofSeconds(20));
        client.request().get("/api/links").then().statusCode(200);
        flusher.flush();
        client.request().get("/api/links/" + warm).then().body("clicks", equalTo(21));
        client.request().get("/api/links/" + cold).then().body("clicks", equalTo(20));
    }

    private static void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (RestAssured.given().get("/q/health/ready").statusCode() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        RestAssured.given().get("/q/health/ready").then().statusCode(200);
    }
}
