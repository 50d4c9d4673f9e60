package dev.linkstack.app.devmode;

import dev.linkstack.app.clicks.ClickRelay;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Visitors;
import dev.linkstack.app.testing.Forms;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dev profile, the embedded default of {@code quarkus dev}: SQLite file database, in-memory sessions,
 * cache and click counters, and no server of any kind. The whole newcomer flow must work there.
 */
@QuarkusTest
@TestProfile(SqliteDevProfileTest.DevProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SqliteDevProfileTest {
    static final Path DB_FILE = tempDbFile();

    public static class DevProfile implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "dev";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:sqlite:" + DB_FILE + "?journal_mode=WAL&busy_timeout=5000",
                    "quarkus.http.test-port", "0");
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ClickRelay flusher;

    @Test
    void runsOnSqliteWithoutRedis() throws Exception {
        try (var connection = dataSource.getConnection()) {
            assertTrue(connection.getMetaData().getDatabaseProductName().toLowerCase().contains("sqlite"));
        }
        assertTrue(Files.size(DB_FILE) > 0, "database file created by Flyway");
        RestAssured.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", not(hasItem("Redis connection health check")));
    }

    @Test
    @Order(1) // the first account of the file is its admin
    void registerShortenFollowAndCount() {
        Api.Client client = Api.newUser();
        // The first account of the new SQLite file is its admin (the claim of V2__first_admin_claim.sql), the next is not.
        client.request().get("/api/auth/me").then().statusCode(200).body("role", equalTo("admin"));
        Api.newUser().request().get("/api/auth/me").then().statusCode(200).body("role", equalTo("user"));
        String code = Api.createLink(client, "https://example.org/dev");
        for (int i = 0; i < 3; i++) {
            Api.redirect(code).then().statusCode(302).header("Location", equalTo("https://example.org/dev"));
        }
        flusher.flush();
        client.request().get("/api/links/" + code + "/stats").then().statusCode(200).body("totalClicks", equalTo(3))
                .body("daily[29].clicks", equalTo(3));
        client.request().body(Map.of("url", "https://example.org/dev2")).patch("/api/links/" + code).then().statusCode(200);
        Api.redirect(code).then().statusCode(302).header("Location", equalTo("https://example.org/dev2"));
        client.request().body(Map.of("url", "https://example.org/x", "code", code)).post("/api/links").then().statusCode(409);
        String token = client.request().body(Map.of("name", "dev")).post("/api/tokens").then().statusCode(201).extract().path("token");
        RestAssured.given().header("Authorization", "Bearer " + token).get("/api/auth/me").then().statusCode(200);
        tagsWorkOnSqlite(client);
        client.request().post("/api/auth/logout").then().statusCode(204);
        client.request().get("/api/auth/me").then().statusCode(401);
    }

    @Test
    void visitStatisticsWorkOnSqlite() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/dev-stats");
        Visitors.visit(code, Visitors.CHROME_WINDOWS, "https://www.reddit.com/r/selfhosted", "203.0.113.5");
        Visitors.visit(code, Visitors.CHROME_WINDOWS, "https://www.reddit.com/r/java", "203.0.113.5");
        Visitors.visit(code, Visitors.SAFARI_IPHONE, null, "203.0.113.6");
        Visitors.visit(code, "Twitterbot/1.0", null, "203.0.113.7");
        flusher.flush();
        flusher.flush(); // a second flush merges into the stored sketch and breakdown rows
        Visitors.visit(code, Visitors.SAFARI_IPHONE, null, "203.0.113.6");
        flusher.flush();
        client.request().get("/api/links/" + code + "/stats?days=2").then().statusCode(200)
                .body("clicks", equalTo(4)).body("botVisits", equalTo(1)).body("uniqueVisitors", equalTo(2))
                .body("daily[1].clicks", equalTo(4)).body("referrers.find { it.value == 'reddit.com' }.visits", equalTo(2)).body("referrers.find { it.value == 'direct' }.visits", equalTo(2))
                .body("bots[0].value", equalTo("Twitterbot")).body("devices.find { it.value == 'phone' }.visits", equalTo(2));
        client.request().get("/api/stats?days=1").then().statusCode(200).body("clicks", equalTo(4)).body("uniqueVisitors", equalTo(2));
        client.request().delete("/api/links/" + code).then().statusCode(204);
        try (var connection = dataSource.getConnection(); var rows = connection.createStatement().executeQuery(
                "SELECT (SELECT count(*) FROM link_daily_visits) + (SELECT count(*) FROM link_daily_visitors)"
                        + " - (SELECT count(*) FROM link_daily_visits v JOIN links l ON l.id = v.link_id)"
                        + " - (SELECT count(*) FROM link_daily_visitors v JOIN links l ON l.id = v.link_id)")) {
            rows.next();
            assertEquals(0, rows.getLong(1), "a deleted link's statistics go with it");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Part of the flow above: a test of its own could run first and take the first account, the admin. */
    private static void tagsWorkOnSqlite(Api.Client client) {
        String code = client.request().body(Map.of("url", "https://example.org/tagged", "tags", List.of("Dev", "sqlite")))
                .post("/api/links").then().statusCode(201).body("tags", equalTo(List.of("dev", "sqlite"))).extract().path("code");
        Api.createLink(client, "https://example.org/untagged");
        client.request().queryParam("tag", "dev").get("/api/links").then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].code", equalTo(code));
        client.request().body(Map.of("tags", List.of("dev"))).patch("/api/links/" + code).then().statusCode(200).body("tags", equalTo(List.of("dev")));
        client.request().get("/api/tags").then().statusCode(200).body("tag", equalTo(List.of("dev"))).body("links", equalTo(List.of(1)));
        client.request().delete("/api/links/" + code).then().statusCode(204);
        // SQLite leaves ON DELETE CASCADE to the app: the tag must be gone with its link.
        client.request().get("/api/tags").then().statusCode(200).body("$", org.hamcrest.Matchers.empty());
    }

    /** V8's column on SQLite, and the in-memory throttle that replaces Redis there. */
    @Test
    void aLinkWithAPasswordWorksThereToo() {
        Api.Client client = Api.newUser();
        String code = client.request().body(Map.of("url", "https://example.org/dev-secret", "password", "dev pass")).post("/api/links")
                .then().statusCode(201).body("protected", equalTo(true)).extract().path("code");
        Api.redirect(code).then().statusCode(200).body(containsString("type=\"password\""));
        Forms.Csrf form = Forms.csrf("/" + code);
        form.post("/" + code, Map.of("password", "wrong"), "10.99.0.1").then().statusCode(401);
        form.post("/" + code, Map.of("password", "dev pass"), "10.99.0.1").then().statusCode(303)
                .header("Location", equalTo("https://example.org/dev-secret"));
        RestAssured.given().get("/" + code + "+").then().statusCode(200).body(not(containsString("dev-secret")));
        for (int i = 0; i < 10; i++) {
            form.post("/" + code, Map.of("password", "wrong-" + i), "10.99.0.2");
        }
        form.post("/" + code, Map.of("password", "dev pass"), "10.99.0.3").then().statusCode(429);
        flusher.flush();
        client.request().get("/api/links/" + code).then().body("clicks", equalTo(1));
    }

    private static Path tempDbFile() {
        try {
            Path dir = Files.createTempDirectory("linkstack-dev-test");
            dir.toFile().deleteOnExit();
            return dir.resolve("dev.db");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
