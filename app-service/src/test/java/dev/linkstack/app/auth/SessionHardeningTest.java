package dev.linkstack.app.auth;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.Forms;
import dev.linkstack.app.testing.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sessions: no fixation, logout everywhere, hardened cookies, CSRF on forms, secrets stored only as digests, no open redirect. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class SessionHardeningTest {

    @Test
    void signingInIssuesAFreshSessionIdAndEndsTheOneTheClientArrivedWith() {
        Api.Client client = Api.newUser();
        String before = client.sessionCookie();
        String planted = "A".repeat(43);
        String after = RestAssured.given().contentType(ContentType.JSON).cookie("linkstack_session", before)
                .body(Map.of("username", client.username(), "password", Api.PASSWORD)).post("/api/auth/login")
                .then().statusCode(200).extract().cookie("linkstack_session");
        assertNotEquals(before, after);
        RestAssured.given().cookie("linkstack_session", before).get("/api/auth/me").then().statusCode(401);
        RestAssured.given().cookie("linkstack_session", after).get("/api/auth/me").then().statusCode(200);

        String fromPlanted = RestAssured.given().contentType(ContentType.JSON).cookie("linkstack_session", planted)
                .body(Map.of("username", client.username(), "password", Api.PASSWORD)).post("/api/auth/login")
                .then().statusCode(200).extract().cookie("linkstack_session");
        assertNotEquals(planted, fromPlanted);
        RestAssured.given().cookie("linkstack_session", planted).get("/api/auth/me").then().statusCode(401);

        // The sign-in page does the same.
        Forms.Csrf form = Forms.csrf("/account/login");
        Response page = form.post("/account/login", Map.of("username", client.username(), "password", Api.PASSWORD), null);
        page.then().statusCode(303).header("Location", equalTo(baseUri() + "/dashboard"));
        assertNotEquals(fromPlanted, page.cookie("linkstack_session"));
    }

    @Test
    void logoutRemovesTheSessionFromRedisSoNoInstanceAcceptsItAgain() {
        Api.Client client = Api.newUser();
        String key = "session:" + sha256(client.sessionCookie());
        assertEquals("1", RealServers.redis().cli("EXISTS", key).strip());
        client.request().post("/api/auth/logout").then().statusCode(204);
        assertEquals("0", RealServers.redis().cli("EXISTS", key).strip(), "gone from the store every instance reads");
        client.request().get("/api/auth/me").then().statusCode(401);
        client.request().get("/api/links").then().statusCode(401);
    }

    @Test
    void cookiesAreHttpOnlySameSiteAndSecureInProduction() throws Exception {
        String name = Api.uniqueName("cookie");
        Api.register(name, Api.PASSWORD).then().statusCode(201);
        String session = RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", name, "password", Api.PASSWORD))
                .post("/api/auth/login").header("Set-Cookie");
        for (String flag : new String[]{"HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="}) {
            assertTrue(session.contains(flag), flag + " in " + session);
        }
        String csrf = RestAssured.given().redirects().follow(false).get("/account/login").header("Set-Cookie");
        assertTrue(csrf.startsWith("linkstack_csrf=") && csrf.toLowerCase().contains("httponly") && csrf.contains("Path=/"), csrf);
        // Tests run %test over plain HTTP; production must mark both cookies Secure (MultiInstanceIT sees it live).
        String properties = Files.readString(Path.of("src/main/resources/application.properties"), StandardCharsets.UTF_8);
        assertTrue(properties.contains("%prod.app.session.cookie-secure=${SESSION_COOKIE_SECURE:true}"), "session cookie Secure in prod");
        assertTrue(properties.contains("%prod.quarkus.rest-csrf.cookie-force-secure=${SESSION_COOKIE_SECURE:true}"), "CSRF cookie Secure in prod");
    }

    @Test
    void formsWithoutAValidCsrfTokenOrFormContentTypeChangeNothing() {
        Api.Client client = Api.newUser();
        long before = Db.number("SELECT count(*) FROM links");
        Forms.Csrf form = Forms.csrf("/dashboard", client.sessionCookie());
        RestAssured.given().redirects().follow(false).cookie("linkstack_session", client.sessionCookie()).cookie("linkstack_csrf", form.cookie())
                .contentType("application/x-www-form-urlencoded").formParam("url", "https://example.org/no-token")
                .post("/dashboard/links").then().statusCode(400).contentType(ContentType.JSON).body("error", equalTo("form_rejected"));
        RestAssured.given().redirects().follow(false).cookie("linkstack_session", client.sessionCookie()).cookie("linkstack_csrf", form.cookie())
                .contentType("application/x-www-form-urlencoded").formParam("url", "https://example.org/forged").formParam("csrf-token", "forged")
                .post("/dashboard/links").then().statusCode(400).body("error", equalTo("form_rejected"));
        // Not a form at all: the CSRF filter only reads forms, so pages refuse anything else outright.
        for (String type : new String[]{"application/json", "text/plain", "*/*"}) {
            RestAssured.given().redirects().follow(false).cookie("linkstack_session", client.sessionCookie())
                    .contentType(type).body(("url=https://example.org/" + type.length()).getBytes(StandardCharsets.UTF_8)).post("/dashboard/links")
                    .then().statusCode(415).contentType(ContentType.JSON);
        }
        // (RestAssured sends an empty form here: refused by the CSRF filter instead.)
        RestAssured.given().redirects().follow(false).cookie("linkstack_session", client.sessionCookie()).post("/account/logout")
                .then().statusCode(anyOf(equalTo(400), equalTo(415))).contentType(ContentType.JSON);
        client.request().get("/api/auth/me").then().statusCode(200);
        assertEquals(before, Db.number("SELECT count(*) FROM links"), "no link was created");
        form.post("/dashboard/links", Map.of("url", "https://example.org/with-token"), null).then().statusCode(303);
        assertEquals(before + 1, Db.number("SELECT count(*) FROM links"));
    }

    @Test
    void tokensAndSessionsAreStoredOnlyAsDigests() {
        Api.Client client = Api.newUser();
        String token = client.request().body(Map.of("name", "digest")).post("/api/tokens").then().statusCode(201).extract().path("token");
        RestAssured.given().header("Authorization", "Bearer " + token).get("/api/auth/me").then().statusCode(200);
        // Looked up by SHA-256 of the presented secret: no comparison of secrets at all, so nothing to time.
        assertEquals(1, Db.number("SELECT count(*) FROM api_tokens WHERE token_hash = ?", sha256(token)));
        assertTrue(Db.column("SELECT t::text FROM api_tokens t").stream().noneMatch(row -> row.contains(token.substring(12))));
        String keys = RealServers.redis().cli("--scan", "--pattern", "*");
        assertFalse(keys.contains(client.sessionCookie()));
        assertTrue(keys.contains("session:" + sha256(client.sessionCookie())));
    }

    @Test
    void signInFlowsOnlyRedirectToLocalPaths() {
        String name = Api.uniqueName("redirect");
        Api.register(name, Api.PASSWORD).then().statusCode(201);
        Forms.Csrf form = Forms.csrf("/account/login?next=https://evil.example/");
        Response signedIn = form.post("/account/login?next=https://evil.example/&returnTo=//evil.example",
                Map.of("username", name, "password", Api.PASSWORD, "next", "https://evil.example/", "redirect", "//evil.example"), null);
        signedIn.then().statusCode(303).header("Location", equalTo(baseUri() + "/dashboard"));
        String session = signedIn.cookie("linkstack_session");
        RestAssured.given().redirects().follow(false).cookie("linkstack_session", session).get("/account/login?next=//evil.example")
                .then().statusCode(303).header("Location", equalTo(baseUri() + "/dashboard"));
        RestAssured.given().redirects().follow(false).get("/dashboard?next=https://evil.example/")
                .then().statusCode(303).header("Location", equalTo(baseUri() + "/account/login"));
    }

    private static String baseUri() {
        return RestAssured.baseURI + ":" + RestAssured.port;
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
