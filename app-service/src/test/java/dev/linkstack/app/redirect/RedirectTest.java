package dev.linkstack.app.redirect;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class RedirectTest {

    @Test
    void aKnownCodeRedirectsAndAnUnknownOneIs404Json() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/target?x=1&y=%20");
        Api.redirect(code).then().statusCode(302).header("Location", equalTo("https://example.org/target?x=1&y=%20"))
                .header("Cache-Control", equalTo("private, max-age=0"));
        Api.redirect("doesNotExist").then().statusCode(404).body("error", equalTo("not_found"));
        Api.redirect("x").then().statusCode(404).body("status", equalTo(404));
        Api.redirect("bad%20code").then().statusCode(404);
    }

    @Test
    void lookupsAreCachedInRedisAndChangesInvalidateTheCacheAtOnce() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/before");
        Api.redirect(code).then().statusCode(302).header("Location", equalTo("https://example.org/before"));
        String cached = RealServers.redis().cli("GET", "link:" + code);
        assertTrue(cached.endsWith("|https://example.org/before"), "shared cache entry expected, got " + cached);

        client.request().body(Map.of("url", "https://example.org/after")).patch("/api/links/" + code).then().statusCode(200);
        Api.redirect(code).then().statusCode(302).header("Location", equalTo("https://example.org/after"));

        client.request().delete("/api/links/" + code).then().statusCode(204);
        Api.redirect(code).then().statusCode(404);
    }

    @Test
    void aCodeRememberedAsMissingWorksAsSoonAsItIsCreated() {
        Api.Client client = Api.newUser();
        String code = "later-" + System.nanoTime();
        Api.redirect(code).then().statusCode(404);
        assertEquals("-", RealServers.redis().cli("GET", "link:" + code), "absence is cached briefly");
        client.request().body(Map.of("url", "https://example.org/now", "code", code)).post("/api/links").then().statusCode(201);
        Api.redirect(code).then().statusCode(302).header("Location", equalTo("https://example.org/now"));
    }

    @Test
    void anExpiredLinkIs404EvenWhenCached() throws InterruptedException {
        Api.Client client = Api.newUser();
        Instant expiresAt = Instant.now().plus(1500, ChronoUnit.MILLIS);
        String code = client.request().body(Map.of("url", "https://example.org/soon-gone", "expiresAt", expiresAt.toString()))
                .post("/api/links").then().statusCode(201).extract().path("code");
        Api.redirect(code).then().statusCode(302);
        Thread.sleep(Math.max(0, expiresAt.toEpochMilli() - System.currentTimeMillis()) + 100);
        Api.redirect(code).then().statusCode(404);
    }

    @Test
    void aCachedHitAnswersLikeTheFirstLookupCountsOnceAndKeepsMetricsTagsBounded() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/hot");
        double before = Api.redirectOutcomes("redirected");
        for (int i = 0; i < 3; i++) { // the first from the shared tiers, the others from the in-process cache
            Api.redirect(code).then().statusCode(302).header("Location", equalTo("https://example.org/hot"))
                    .header("Cache-Control", equalTo("private, max-age=0"));
        }
        assertEquals(before + 3, Api.redirectOutcomes("redirected"), "every redirect counted once, whichever layer answered");
        String metrics = io.restassured.RestAssured.get("/q/metrics").asString();
        assertTrue(!metrics.contains("uri=\"/" + code + "\""), "a short code must never become a metrics tag");
    }
}
