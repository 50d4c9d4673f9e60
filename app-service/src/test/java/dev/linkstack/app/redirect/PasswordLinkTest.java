package dev.linkstack.app.redirect;

import dev.linkstack.app.clicks.ClickRelay;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.Forms;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Links with a password: the redirect asks for it with a form (a page of its own, not a visit), a wrong one is
 * refused and not counted, the right one redirects and counts one visit, and guessing is throttled like sign-ins.
 * Each test comes from its own client addresses (X-Forwarded-For, as Nginx sends it).
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class PasswordLinkTest {
    static final String SECRET = "open sesame";
    private static final int PER_LINK = 10;
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    @Inject
    ClickRelay relay;

    @Inject
    RedirectLookup lookup;

    @Test
    void theFormIsShownAWrongPasswordRefusedAndTheRightOneCountsOneVisit() {
        Api.Client client = Api.newUser();
        String code = protectedLink(client, "https://example.org/secret");
        String address = address();
        for (int i = 0; i < 3; i++) { // the first through the resource, the next from the router's cache
            Api.redirect(code).then().statusCode(200).contentType(ContentType.HTML).header("Location", (String) null)
                    .body(containsString("action=\"/" + code + "\""), containsString("type=\"password\""),
                            not(containsString("example.org/secret")));
        }
        assertTrue(RealServers.redis().cli("GET", "link:" + code).startsWith("-3|+"), "cached in the form older instances read as blocked");

        Forms.Csrf form = Forms.csrf("/" + code);
        form.post("/" + code, Map.of("password", "not it"), address).then().statusCode(401).contentType(ContentType.HTML)
                .body(containsString("Wrong password"), not(containsString("example.org/secret")));
        form.post("/" + code, Map.of("password", SECRET), address).then().statusCode(303)
                .header("Location", equalTo("https://example.org/secret")).header("Cache-Control", equalTo("private, max-age=0"));
        relay.flush();
        client.request().get("/api/links/" + code).then().statusCode(200).body("clicks", equalTo(1));
    }

    @Test
    void aVisitThroughTheFormCountsWhereTheVisitorCameFromNotTheForm() {
        Api.Client client = Api.newUser();
        String code = protectedLink(client, "https://example.org/from");
        String cameFrom = "https://news.example.com/story?id=1";
        RestAssured.given().redirects().follow(false).header("Referer", cameFrom).get("/" + code).then().statusCode(200)
                .body(containsString("name=\"referrer\" value=\"" + cameFrom + "\""));

        Forms.Csrf form = Forms.csrf("/" + code);
        form.post("/" + code, Map.of("password", "not it", "referrer", cameFrom), address()).then().statusCode(401)
                .body(containsString("name=\"referrer\" value=\"" + cameFrom + "\""));
        form.post("/" + code, Map.of("password", SECRET, "referrer", cameFrom), address()).then().statusCode(303);
        // The browser's own Referer on the post is the form, on this host: never counted as where the visit came from.
        RestAssured.given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .cookie("linkstack_csrf", form.cookie()).formParam("csrf-token", form.token()).formParam("password", SECRET)
                .header("Referer", "http://localhost/" + code).header("X-Forwarded-For", address())
                .post("/" + code).then().statusCode(303);
        relay.flush();

        var stats = client.request().get("/api/links/" + code + "/stats?days=1").then().statusCode(200).extract().jsonPath();
        Map<String, Integer> referrers = new HashMap<>();
        stats.getList("referrers", Map.class).forEach(v -> referrers.put((String) v.get("value"), ((Number) v.get("visits")).intValue()));
        assertEquals(Map.of("news.example.com", 1, "direct", 1), referrers);
    }

    @Test
    void theApiReportsProtectionButNeverTheHashNorDoesASignedInOwnerSkipTheForm() {
        Api.Client client = Api.newUser();
        String code = protectedLink(client, "https://example.org/owned");
        String json = client.request().get("/api/links/" + code).then().statusCode(200).body("protected", equalTo(true))
                .extract().asString();
        assertFalse(json.contains("password") || json.contains("$2"), json);
        client.request().get("/api/links").then().body("items[0].protected", equalTo(true));
        client.request().redirects().follow(false).get("/" + code).then().statusCode(200).body(containsString("type=\"password\""));
        String open = Api.createLink(client, "https://example.org/open");
        client.request().get("/api/links/" + open).then().body("protected", equalTo(false));
    }

    @Test
    void aSharedCacheEntryFromAVersionWithoutPasswordsIsNotAnOpenDoor() {
        Api.Client client = Api.newUser();
        String code = protectedLink(client, "https://example.org/rolling");
        long id = Db.number("SELECT id FROM links WHERE code = ?", code);
        // What an instance of the previous version writes for this link: it knows nothing of its password.
        RealServers.redis().cli("SET", "link:" + code, id + "|0|https://example.org/rolling", "PX", "60000");
        lookup.dropAll();
        Api.redirect(code).then().statusCode(200).header("Location", (String) null).body(containsString("type=\"password\""));
        assertTrue(RealServers.redis().cli("GET", "link:" + code).startsWith("-3|+"), "looked up again and rewritten");
    }

    @Test
    void guessingIsRefusedAfterTenWrongPasswordsForTheLinkEvenTheRightOne() {
        Api.Client client = Api.newUser();
        String code = protectedLink(client, "https://example.org/guarded");
        Forms.Csrf form = Forms.csrf("/" + code);
        int refused = 0;
        for (int i = 0; i < PER_LINK; i++) { // from ever new addresses: the link itself is what is protected
            refused += form.post("/" + code, Map.of("password", "guess-" + i), address()).statusCode() == 429 ? 1 : 0;
        }
        assertEquals(0, refused, "the first failures are answered normally");
        Response locked = form.post("/" + code, Map.of("password", "guess-again"), address());
        locked.then().statusCode(429).contentType(ContentType.HTML).body(containsString("Too many wrong passwords"));
        long retryAfter = Long.parseLong(locked.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 15 * 60, "Retry-After within the window: " + retryAfter);
        form.post("/" + code, Map.of("password", SECRET), address()).then().statusCode(429).header("Location", (String) null);
        relay.flush();
        client.request().get("/api/links/" + code).then().body("clicks", equalTo(0));
    }

    @Test
    void theRightPasswordGivesItsAttemptBackSoVisitorsDoNotUseUpTheLink() {
        Api.Client client = Api.newUser();
        String code = protectedLink(client, "https://example.org/popular");
        Forms.Csrf form = Forms.csrf("/" + code);
        for (int i = 0; i < PER_LINK + 5; i++) {
            form.post("/" + code, Map.of("password", SECRET), address()).then().statusCode(303);
        }
        relay.flush();
        client.request().get("/api/links/" + code).then().body("clicks", equalTo(PER_LINK + 5));
    }

    @Test
    void settingAndRemovingThePasswordTakesEffectAtOnceAlsoOnTheRoutersCache() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/toggled");
        Api.redirect(code).then().statusCode(302);
        double nearHits = nearHits();
        Api.redirect(code).then().statusCode(302); // now in this instance's cache, answered on the router
        assertEquals(nearHits + 1, nearHits(), "answered from the in-process cache");
        client.request().body(Map.of("password", SECRET)).patch("/api/links/" + code).then().statusCode(200).body("protected", equalTo(true));
        Api.redirect(code).then().statusCode(200).body(containsString("type=\"password\""));
        nearHits = nearHits();
        Api.redirect(code).then().statusCode(200).body(containsString("type=\"password\""));
        assertEquals(nearHits + 1, nearHits(), "the cached copy carries the flag");

        Map<String, Object> remove = new HashMap<>();
        remove.put("password", null);
        client.request().body(remove).patch("/api/links/" + code).then().statusCode(200).body("protected", equalTo(false));
        Api.redirect(code).then().statusCode(302).header("Location", equalTo("https://example.org/toggled"));
        Api.redirect(code).then().statusCode(302).header("Location", equalTo("https://example.org/toggled"));
        client.request().body(Map.of("url", "https://example.org/still-open")).patch("/api/links/" + code).then().body("protected", equalTo(false));
    }

    @Test
    void thePreviewShowsWhereALinkGoesWithoutCountingAndHidesAProtectedTarget() {
        Api.Client client = Api.newUser();
        String open = Api.createLink(client, "https://example.org/previewed");
        for (int i = 0; i < 2; i++) {
            RestAssured.given().redirects().follow(false).get("/" + open + "+").then().statusCode(200).contentType(ContentType.HTML)
                    .body(containsString("https://example.org/previewed"), containsString("href=\"/" + open + "\""),
                            containsString("/" + open + "</span>"));
        }
        String locked = protectedLink(client, "https://example.org/hidden");
        RestAssured.given().get("/" + locked + "+").then().statusCode(200)
                .body(containsString("protected by a password"), not(containsString("example.org/hidden")));
        relay.flush();
        client.request().get("/api/links/" + open).then().body("clicks", equalTo(0));

        RestAssured.given().get("/no-such-code+").then().statusCode(404).contentType(ContentType.JSON).body("error", equalTo("not_found"));
        RestAssured.given().get("/dashboard+").then().statusCode(404);
        RestAssured.given().get("/a+").then().statusCode(404);
        RestAssured.given().get("/" + open + "++").then().statusCode(404);
        RestAssured.given().get("/+").then().statusCode(404);
        String blocked = Api.createLink(client, "https://example.org/blocked");
        Db.column("UPDATE links SET blocked_at = now() WHERE code = ? RETURNING code", blocked);
        RestAssured.given().get("/" + blocked + "+").then().statusCode(410).body("error", equalTo("gone"));
        String expired = Api.createLink(client, "https://example.org/expired");
        Db.column("UPDATE links SET expires_at = now() - interval '1 minute' WHERE code = ? RETURNING code", expired);
        RestAssured.given().get("/" + expired + "+").then().statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void badPasswordsAreJson400s() {
        Api.Client client = Api.newUser();
        client.request().body(Map.of("url", "https://example.org/x", "password", "abc")).post("/api/links")
                .then().statusCode(400).contentType(ContentType.JSON).body("message", containsString("Password must have 4 to 128"));
        client.request().body(Map.of("url", "https://example.org/x", "password", "x".repeat(129))).post("/api/links")
                .then().statusCode(400).contentType(ContentType.JSON);
        client.request().body(Map.of("url", "https://example.org/x", "password", "é".repeat(128))).post("/api/links")
                .then().statusCode(201).body("protected", equalTo(true));
        String code = Api.createLink(client, "https://example.org/y");
        client.request().body(Map.of("password", 1234)).patch("/api/links/" + code).then().statusCode(400).contentType(ContentType.JSON);
        client.request().body(Map.of("password", "")).patch("/api/links/" + code).then().statusCode(400).contentType(ContentType.JSON);
        // A form post without the CSRF pair, or not a form: refused, never a 500.
        RestAssured.given().contentType("application/x-www-form-urlencoded").formParam("password", "x").post("/" + code)
                .then().statusCode(400);
        RestAssured.given().contentType(ContentType.JSON).body("{}").post("/" + code).then().statusCode(415);
        Forms.csrf("/" + protectedLink(client, "https://example.org/z")).post("/bad%20code", Map.of("password", "x"), null)
                .then().statusCode(404).contentType(ContentType.JSON);
    }

    private static double nearHits() {
        return Api.metric("linkstack_redirect_cache_total", "tier=\"near\"", "result=\"hit\"");
    }

    static String protectedLink(Api.Client client, String url) {
        return client.request().body(Map.of("url", url, "password", SECRET)).post("/api/links")
                .then().statusCode(201).body("protected", equalTo(true)).extract().path("code");
    }

    private static String address() {
        return "10.77." + (ADDRESSES.get() / 250) + "." + (ADDRESSES.incrementAndGet() % 250 + 1);
    }
}
