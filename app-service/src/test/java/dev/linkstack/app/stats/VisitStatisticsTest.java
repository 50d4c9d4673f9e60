package dev.linkstack.app.stats;

import dev.linkstack.app.clicks.ClickRelay;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.app.testing.Visitors;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Visits as the statistics show them, against PostgreSQL and Redis: bots apart from people's clicks, per family;
 * people's clicks by referrer, device, browser and OS; unique visitors per day; nothing of the raw request stored.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class VisitStatisticsTest {
    @Inject
    ClickRelay relay;

    /** Five people (address + browser), one of them clicking three times, and every bot once. */
    private static final List<String[]> PEOPLE = List.of(
            new String[]{Visitors.CHROME_WINDOWS, "https://www.reddit.com/r/selfhosted/comments/abc", "203.0.113.10"},
            new String[]{Visitors.CHROME_WINDOWS, "https://www.reddit.com/r/java", "203.0.113.10"},
            new String[]{Visitors.CHROME_WINDOWS, null, "203.0.113.10"},
            new String[]{Visitors.SAFARI_IPHONE, "https://t.co/Xy12", "198.51.100.20"},
            new String[]{Visitors.CHROME_ANDROID, "android-app://com.slack/", "198.51.100.30"},
            new String[]{Visitors.FIREFOX_LINUX, null, "192.0.2.40"},
            new String[]{Visitors.SAFARI_IPAD, "https://news.ycombinator.com/item?id=1", "192.0.2.50"});

    @Test
    void botsAreCountedApartAndPeoplesClicksAreBrokenDown() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/analytics");
        relay.flush();
        for (String[] person : PEOPLE) {
            assertEquals(302, Visitors.visit(code, person[0], person[1], person[2]));
        }
        Visitors.BOTS.keySet().forEach(bot -> assertEquals(302, Visitors.visit(code, bot, null, "66.249.66.1"), "bots are redirected too"));
        relay.flush();

        JsonPath stats = client.request().get("/api/links/" + code + "/stats?days=7").then().statusCode(200).extract().jsonPath();
        assertEquals(PEOPLE.size(), stats.getInt("clicks"), "people's visits only");
        assertEquals(PEOPLE.size(), stats.getInt("totalClicks"));
        assertEquals(Visitors.BOTS.size(), stats.getInt("botVisits"));
        assertEquals(5, stats.getInt("uniqueVisitors"), "five address and browser pairs");
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertEquals(today, stats.getString("daily[6].day"));
        assertEquals(PEOPLE.size(), stats.getInt("daily[6].clicks"));
        assertEquals(Visitors.BOTS.size(), stats.getInt("daily[6].bots"));
        assertEquals(5, stats.getInt("daily[6].uniqueVisitors"));
        assertEquals(Map.of("reddit.com", 2, "direct", 2, "t.co", 1, "com.slack", 1, "news.ycombinator.com", 1), counts(stats, "referrers"));
        assertEquals(Map.of("desktop", 4, "phone", 2, "tablet", 1), counts(stats, "devices"));
        assertEquals(Map.of("Chrome", 3, "Mobile Safari", 2, "Chrome Mobile", 1, "Firefox", 1), counts(stats, "browsers"));
        assertEquals(Map.of("Windows", 3, "iOS", 2, "Android", 1, "Linux", 1), counts(stats, "os"));
        Map<String, Integer> bots = counts(stats, "bots");
        assertEquals(Visitors.BOTS.size(), bots.size(), "one family per bot: " + bots);
        Visitors.BOTS.values().forEach(family -> assertEquals(1, bots.get(family), family + " in " + bots));
        assertNull(stats.get("countries"), "no country database configured: no countries rather than wrong ones");
        assertEquals("Windows", stats.getString("os[0].value"), "most first");

        client.request().get("/api/links/" + code + "/stats?days=7&top=2").then().statusCode(200)
                .body("referrers.size()", equalTo(2)).body("browsers[0].value", equalTo("Chrome"));
    }

    @Test
    void aVisitorSeenAgainInALaterFlushIsStillOneVisitor() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/returning");
        String[] first = {Visitors.CHROME_WINDOWS, null, "203.0.113.50"};
        String[] second = {Visitors.CHROME_WINDOWS, null, "203.0.113.51"};
        assertEquals(302, Visitors.visit(code, first[0], first[1], first[2]));
        assertEquals(302, Visitors.visit(code, second[0], second[1], second[2]));
        relay.flush();
        assertEquals(302, Visitors.visit(code, first[0], first[1], first[2])); // merged into the stored sketch now
        relay.flush();
        relay.flush(); // nothing new: the stored sketch stays as it is

        JsonPath stats = client.request().get("/api/links/" + code + "/stats?days=1").then().statusCode(200).extract().jsonPath();
        assertEquals(3, stats.getInt("clicks"));
        assertEquals(2, stats.getInt("uniqueVisitors"), "the stored day's visitors and the new push's, as a union");
    }

    @Test
    void noAddressOrUserAgentIsStoredAnywhere() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/private");
        String address = "198.18.7.33";
        String agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Marker/8131";
        assertEquals(302, Visitors.visit(code, agent, "https://private.example.net/secret/path?token=abc", address));
        relay.flush();
        client.request().get("/api/links/" + code + "/stats").then().statusCode(200).body("clicks", equalTo(1))
                .body("referrers[0].value", equalTo("private.example.net"));

        StringBuilder everything = new StringBuilder();
        for (String table : Db.column("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
            Db.column("SELECT t::text FROM \"" + table + "\" t").forEach(row -> everything.append(row).append('\n'));
        }
        for (String key : RealServers.redis().cli("--scan").lines().toList()) {
            everything.append(key).append(' ').append(RealServers.redis().cli("DUMP", key)).append('\n');
        }
        String stored = everything.toString();
        assertTrue(stored.contains("private.example.net"), "the dump holds the visit's referrer domain (the check can fail)");
        assertFalse(stored.contains(address), "the address is not stored");
        assertFalse(stored.contains("Marker/8131"), "the user agent is not stored");
        assertFalse(stored.contains("secret/path") || stored.contains("token=abc"), "the referrer's path and query are not stored");
    }

    @Test
    void csvHasOneFigureARowAndTheOverviewAddsUpTheAccountsLinks() {
        Api.Client client = Api.newUser();
        String first = Api.createLink(client, "https://example.org/first");
        String second = Api.createLink(client, "https://example.org/second");
        relay.flush();
        for (int i = 0; i < 3; i++) {
            Visitors.visit(first, Visitors.FIREFOX_LINUX, "https://=cmd.example.com/", "192.0.2.77");
        }
        Visitors.visit(second, Visitors.FIREFOX_LINUX, null, "192.0.2.77");
        Visitors.visit(second, "Twitterbot/1.0", null, "192.0.2.78");
        relay.flush();

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String csv = client.request().get("/api/links/" + first + "/stats?format=csv&days=1").then().statusCode(200)
                .contentType(startsWith("text/csv")).header("Content-Disposition", containsString(first + "-" + today))
                .extract().asString();
        List<String> rows = csv.lines().toList();
        assertEquals("day,metric,value,count", rows.get(0));
        assertTrue(rows.contains(today + ",clicks,,3"), csv);
        assertTrue(rows.contains(today + ",unique_visitors,,1"), csv);
        assertTrue(rows.contains(today + ",bot_visits,,0"), csv);
        assertTrue(rows.contains(today + ",browser,Firefox,3"), csv);
        assertTrue(rows.contains(today + ",referrer,other,3"), "a referrer that is no host name is 'other': " + csv);

        JsonPath overview = client.request().get("/api/stats?days=1").then().statusCode(200).extract().jsonPath();
        assertEquals(4, overview.getInt("clicks"));
        assertEquals(1, overview.getInt("botVisits"));
        assertEquals(1, overview.getInt("uniqueVisitors"), "one person on two links is one visitor that day");
        assertEquals(2, overview.getInt("links"));
        assertEquals(first, overview.getString("topLinks[0].code"));
        assertEquals(3, overview.getInt("topLinks[0].clicks"));
        assertEquals(second, overview.getString("topLinks[1].code"));
    }

    @Test
    void badRangesAreJson400s() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/ranges");
        for (String query : List.of("days=0", "days=367", "days=x", "from=2026-13-01", "from=2026-02-01&to=2026-01-01",
                "from=2020-01-01&to=2026-01-01", "days=7&from=2026-01-01", "to=2026-01-01", "top=0", "top=101", "from=1999-12-31")) {
            client.request().get("/api/links/" + code + "/stats?" + query).then().statusCode(400).contentType(startsWith("application/json"));
            client.request().get("/api/stats?" + query).then().statusCode(400).contentType(startsWith("application/json"));
        }
        client.request().get("/api/links/" + code + "/stats?format=xml").then().statusCode(400).contentType(startsWith("application/json"));
        client.request().get("/api/links/" + code + "/stats?from=2026-01-01&to=2026-01-31").then().statusCode(200)
                .body("daily.size()", equalTo(31)).body("from", equalTo("2026-01-01"));
        Api.newUser().request().get("/api/links/" + code + "/stats?format=csv").then().statusCode(404);
    }

    private static Map<String, Integer> counts(JsonPath stats, String breakdown) {
        Map<String, Integer> counts = new java.util.HashMap<>();
        List<Map<String, Object>> values = stats.getList(breakdown);
        values.forEach(v -> counts.put((String) v.get("value"), ((Number) v.get("visits")).intValue()));
        return counts;
    }
}
