package dev.linkstack.app;

import dev.linkstack.app.testing.Forms;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.PackagedService;
import dev.linkstack.testing.ServiceProcess;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of work the service does, once, against the packaged artifact (the jar, or the native executable in a
 * native build): what a native image can lose without failing its build (reflection for JSON and entities, templates,
 * static resources, the QR encoder, CSRF, bcrypt, metrics and the OpenAPI document) fails here instead.
 */
class PackagedAppIT {
    private static final PackagedService APP = PackagedService.of(java.nio.file.Path.of("."));
    private static final Pattern CREATED_TOKEN = Pattern.compile("<code id=\"created-token\">([^<]+)</code>");
    private static ServiceProcess app;

    @BeforeAll
    static void start() {
        app = ServiceProcess.start(APP, "app-packaged", RealServers.productionEnvironment());
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = app.port();
    }

    @AfterAll
    static void stop() {
        RestAssured.reset();
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theWebUiRegistersShortensShowsStatisticsAndIssuesTokens() {
        String user = "packaged-" + System.nanoTime();
        Response registered = Forms.csrf("/account/register").post("/account/register", Map.of("username", user, "password", "packaged-password"), null);
        assertEquals(303, registered.statusCode(), registered.asString());
        String session = registered.cookie("linkstack_session");

        Response dashboard = RestAssured.given().cookie("linkstack_session", session).get("/dashboard");
        dashboard.then().statusCode(200).contentType(containsString("text/html")).body(containsString(user));

        String code = "pk" + Long.toString(System.nanoTime(), 36);
        Response created = Forms.csrf("/dashboard", session).post("/dashboard/links", Map.of("url", "https://example.org/packaged", "code", code,
                "expiresAt", ""), null);
        assertEquals(303, created.statusCode(), created.asString());
        RestAssured.given().redirects().follow(false).get("/" + code).then().statusCode(302).header("Location", "https://example.org/packaged");

        RestAssured.given().cookie("linkstack_session", session).queryParam("code", code).get("/dashboard/link")
                .then().statusCode(200).body(containsString("https://example.org/packaged"), containsString("<svg"));
        RestAssured.given().cookie("linkstack_session", session).queryParam("code", code).get("/dashboard/link/qr.svg")
                .then().statusCode(200).contentType(containsString("image/svg+xml")).body(startsWith("<svg"), containsString("<path"));
        RestAssured.given().get("/static/app.css").then().statusCode(200).body(containsString("{"));

        Response tokenPage = Forms.csrf("/settings/tokens", session).post("/settings/tokens", Map.of("name", "script", "expiresInDays", "30"), null);
        Matcher token = CREATED_TOKEN.matcher(tokenPage.asString());
        assertTrue(token.find(), "the new token is shown once: " + tokenPage.asString());
        RestAssured.given().auth().oauth2(token.group(1)).get("/api/links/" + code)
                .then().statusCode(200).body("code", equalTo(code)).body("url", equalTo("https://example.org/packaged"));
    }

    @Test
    void theJsonApiAnswersEveryResourceAndRejectsBadInputWithJson() {
        String user = "api-" + System.nanoTime();
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", user, "password", "packaged-password"))
                .post("/api/auth/register").then().statusCode(201).body("username", equalTo(user));
        String session = RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", user, "password", "packaged-password"))
                .post("/api/auth/login").then().statusCode(200).extract().cookie("linkstack_session");

        String code = RestAssured.given().cookie("linkstack_session", session).contentType(ContentType.JSON)
                .body(Map.of("url", "https://example.org/api", "expiresAt", "2099-01-01T00:00:00Z")).post("/api/links")
                .then().statusCode(201).extract().path("code");
        RestAssured.given().cookie("linkstack_session", session).get("/api/links?size=5").then().statusCode(200).body(containsString(code));
        RestAssured.given().redirects().follow(false).get("/" + code).then().statusCode(302);
        RestAssured.given().cookie("linkstack_session", session).get("/api/links/" + code + "/stats?days=7").then().statusCode(200)
                .body("daily.size()", equalTo(7));
        String readToken = RestAssured.given().cookie("linkstack_session", session).contentType(ContentType.JSON).body(Map.of("name", "ci", "scope", "read"))
                .post("/api/tokens").then().statusCode(201).body("token.length()", org.hamcrest.Matchers.greaterThan(20))
                .body("scope", equalTo("read")).extract().path("token");
        RestAssured.given().cookie("linkstack_session", session).get("/api/tokens").then().statusCode(200).body("size()", equalTo(1))
                .body("[0].scope", equalTo("read"));
        // The scope rules are read from the endpoints' annotations at run time, which a native image must keep.
        RestAssured.given().header("Authorization", "Bearer " + readToken).get("/api/links/" + code).then().statusCode(200);
        RestAssured.given().header("Authorization", "Bearer " + readToken).delete("/api/links/" + code).then().statusCode(403)
                .body("error", equalTo("insufficient_scope"));

        RestAssured.given().cookie("linkstack_session", session).contentType(ContentType.JSON).body("{\"url\": ").post("/api/links")
                .then().statusCode(400).contentType(containsString("json")).body("status", equalTo(400));
        RestAssured.given().cookie("linkstack_session", session).contentType(ContentType.JSON).body(Map.of("url", "ftp://example.org"))
                .post("/api/links").then().statusCode(400).body("error", equalTo("bad_request"));
        RestAssured.given().redirects().follow(false).get("/no-such-code-here").then().statusCode(404);
        RestAssured.given().get("/api/auth/me").then().statusCode(401).contentType(containsString("json"));
    }

    /** ua-parser's rules are a resource a native image must carry, and the relay's threads must run there too. */
    @Test
    void visitsAreClassifiedBotsApartFromPeople() throws InterruptedException {
        String user = "visits-" + System.nanoTime();
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", user, "password", "packaged-password"))
                .post("/api/auth/register").then().statusCode(201);
        String session = RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", user, "password", "packaged-password"))
                .post("/api/auth/login").then().statusCode(200).extract().cookie("linkstack_session");
        String code = RestAssured.given().cookie("linkstack_session", session).contentType(ContentType.JSON)
                .body(Map.of("url", "https://example.org/visits")).post("/api/links").then().statusCode(201).extract().path("code");
        RestAssured.given().redirects().follow(false).header("User-Agent", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")
                .get("/" + code).then().statusCode(302);
        RestAssured.given().redirects().follow(false).header("Referer", "https://www.example.net/post")
                .header("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
                .get("/" + code).then().statusCode(302);
        // Pushed within 0.25 s and written within the 5 s flush interval of the production profile.
        long deadline = System.nanoTime() + 30_000_000_000L;
        io.restassured.path.json.JsonPath stats;
        do {
            Thread.sleep(500);
            stats = RestAssured.given().cookie("linkstack_session", session).get("/api/links/" + code + "/stats?days=1")
                    .then().statusCode(200).extract().jsonPath();
        } while (stats.getInt("clicks") + stats.getInt("botVisits") < 2 && System.nanoTime() < deadline);
        assertEquals(1, stats.getInt("clicks"), stats.prettify());
        assertEquals(1, stats.getInt("botVisits"), stats.prettify());
        assertEquals("Slackbot-LinkExpanding", stats.getString("bots[0].value"));
        assertEquals("Chrome", stats.getString("browsers[0].value"));
        assertEquals("example.net", stats.getString("referrers[0].value"));
        assertEquals(1, stats.getInt("uniqueVisitors"));
    }

    @Test
    void healthMetricsAndTheOpenApiDocumentAreServed() {
        RestAssured.given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        RestAssured.given().get("/q/health/live").then().statusCode(200);
        RestAssured.given().get("/api/auth/me").then().statusCode(401); // an API request the HTTP timer records
        RestAssured.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("linkstack_redirects_total"), containsString("http_server_requests_seconds"));
        RestAssured.given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/links/{code}"));
    }
}
