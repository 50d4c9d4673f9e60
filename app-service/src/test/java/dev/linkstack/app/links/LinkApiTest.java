package dev.linkstack.app.links;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class LinkApiTest {

    @Test
    void createGetUpdateDeleteALinkWithACustomCode() {
        Api.Client client = Api.newUser();
        String code = "docs-" + System.nanoTime();
        String expiry = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        client.request().body(Map.of("url", "https://example.org/docs", "code", code, "expiresAt", expiry)).post("/api/links")
                .then().statusCode(201).header("Location", endsWith("/api/links/" + code))
                .body("code", equalTo(code)).body("shortUrl", endsWith("/" + code)).body("expiresAt", equalTo(expiry)).body("clicks", equalTo(0));

        client.request().get("/api/links/" + code).then().statusCode(200).body("url", equalTo("https://example.org/docs"));

        Map<String, Object> clearExpiry = new HashMap<>();
        clearExpiry.put("url", "https://example.org/docs/v2");
        clearExpiry.put("expiresAt", null);
        client.request().body(clearExpiry).patch("/api/links/" + code)
                .then().statusCode(200).body("url", equalTo("https://example.org/docs/v2")).body("expiresAt", nullValue());

        client.request().delete("/api/links/" + code).then().statusCode(204);
        client.request().get("/api/links/" + code).then().statusCode(404).body("error", equalTo("not_found"));
        client.request().delete("/api/links/" + code).then().statusCode(404);
    }

    @Test
    void shortUrlsFollowTheProxysForwardedHostAndScheme() {
        Api.Client client = Api.newUser();
        client.request().header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "s.example.org")
                .body(Map.of("url", "https://example.org/proxied")).post("/api/links")
                .then().statusCode(201).header("X-Content-Type-Options", equalTo("nosniff"))
                .body("shortUrl", startsWith("https://s.example.org/"));
    }

    @Test
    void generatedCodesAreShortRandomAndUnique() {
        Api.Client client = Api.newUser();
        List<String> codes = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            codes.add(Api.createLink(client, "https://example.org/" + i));
        }
        codes.forEach(code -> org.hamcrest.MatcherAssert.assertThat(code, matchesPattern("[2-9a-km-zA-HJ-NP-Z]{7}")));
        assertEquals(codes.size(), codes.stream().distinct().count());
    }

    @Test
    void invalidLinksAreRefusedWithAReason() {
        Api.Client client = Api.newUser();
        assertRefused(client, Map.of("url", "ftp://example.org/file"), 400, "http:// or https://");
        assertRefused(client, Map.of("url", "javascript:alert(1)"), 400, "http:// or https://");
        assertRefused(client, Map.of("url", "https://"), 400, "");
        assertRefused(client, Map.of("url", "https://exa mple.org"), 400, "spaces");
        assertRefused(client, Map.of("url", "https://example.org/" + "a".repeat(2040)), 400, "2048");
        assertRefused(client, Map.of(), 400, "url is required");
        assertRefused(client, Map.of("url", "https://example.org", "code", "ab"), 400, "3-64");
        assertRefused(client, Map.of("url", "https://example.org", "code", "has space"), 400, "3-64");
        assertRefused(client, Map.of("url", "https://example.org", "code", "x".repeat(65)), 400, "3-64");
        assertRefused(client, Map.of("url", "https://example.org", "code", "API"), 400, "reserved");
        assertRefused(client, Map.of("url", "https://example.org", "code", "q"), 400, "");
        assertRefused(client, Map.of("url", "https://example.org", "expiresAt", "2001-01-01T00:00:00Z"), 400, "future");
        assertRefused(client, Map.of("url", "https://example.org", "expiresAt", "tomorrow"), 400, "expiresAt");
        assertRefused(client, Map.of("url", 42), 400, "");

        String code = "taken-" + System.nanoTime();
        client.request().body(Map.of("url", "https://example.org", "code", code)).post("/api/links").then().statusCode(201);
        assertRefused(Api.newUser(), Map.of("url", "https://example.org/other", "code", code), 409, "taken");
    }

    @Test
    void listIsOwnLinksNewestFirstPagedAndSearchable() {
        Api.Client client = Api.newUser();
        Api.Client other = Api.newUser();
        Api.createLink(other, "https://example.org/not-mine");
        for (int i = 0; i < 5; i++) {
            Api.createLink(client, "https://example.org/item-" + i);
        }
        client.request().queryParam("size", 2).get("/api/links").then().statusCode(200)
                .body("total", equalTo(5)).body("items", hasSize(2)).body("page", equalTo(0))
                .body("items[0].url", equalTo("https://example.org/item-4")).body("items[1].url", equalTo("https://example.org/item-3"));
        client.request().queryParam("size", 2).queryParam("page", 2).get("/api/links").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].url", equalTo("https://example.org/item-0"));
        client.request().queryParam("q", "ITEM-3").get("/api/links").then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].url", equalTo("https://example.org/item-3"));
        client.request().queryParam("q", "%").get("/api/links").then().statusCode(200).body("total", equalTo(0));
        client.request().queryParam("size", 0).get("/api/links").then().statusCode(400).body("message", containsString("size"));
        client.request().queryParam("size", 101).get("/api/links").then().statusCode(400);
        client.request().queryParam("page", "two").get("/api/links").then().statusCode(400);
    }

    @Test
    void linksOfOthersLookMissing() {
        Api.Client owner = Api.newUser();
        Api.Client stranger = Api.newUser();
        String code = Api.createLink(owner, "https://example.org/private");
        stranger.request().get("/api/links/" + code).then().statusCode(404);
        stranger.request().body(Map.of("url", "https://evil.example")).patch("/api/links/" + code).then().statusCode(404);
        stranger.request().delete("/api/links/" + code).then().statusCode(404);
        stranger.request().get("/api/links/" + code + "/stats").then().statusCode(404);
        owner.request().get("/api/links/" + code).then().statusCode(200).body("url", equalTo("https://example.org/private"));
    }

    @Test
    void patchValidatesItsFields() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/patch");
        client.request().body(Map.of()).patch("/api/links/" + code).then().statusCode(400);
        client.request().body(Map.of("code", "new")).patch("/api/links/" + code).then().statusCode(400).body("message", containsString("code"));
        client.request().body(Map.of("url", "gopher://x")).patch("/api/links/" + code).then().statusCode(400);
        client.request().body(Map.of("url", 5)).patch("/api/links/" + code).then().statusCode(400);
        client.request().body(Map.of("expiresAt", "never")).patch("/api/links/" + code).then().statusCode(400);
        client.request().body("[1,2]").patch("/api/links/" + code).then().statusCode(400);
        client.request().get("/api/links/" + code).then().body("url", equalTo("https://example.org/patch"));
    }

    @Test
    void statsValidateTheirRange() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/stats");
        client.request().get("/api/links/" + code + "/stats").then().statusCode(200)
                .body("totalClicks", equalTo(0)).body("daily", hasSize(30));
        client.request().queryParam("days", 7).get("/api/links/" + code + "/stats").then().statusCode(200).body("daily", hasSize(7));
        client.request().queryParam("days", 0).get("/api/links/" + code + "/stats").then().statusCode(400);
        client.request().queryParam("days", 367).get("/api/links/" + code + "/stats").then().statusCode(400);
    }

    private static void assertRefused(Api.Client client, Map<String, ?> body, int status, String messagePart) {
        client.request().body(body).post("/api/links").then().statusCode(status)
                .body("status", equalTo(status)).body("message", containsString(messagePart));
    }
}
