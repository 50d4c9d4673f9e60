package dev.linkstack.app.stats;

import dev.linkstack.app.clicks.ClickRelay;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.GeoDatabase;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.app.testing.Visitors;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Countries from a real free MaxMind-format database (DB-IP Country Lite, fetched from the npm registry). */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
@TestProfile(CountryBreakdownTest.WithCountryDatabase.class)
class CountryBreakdownTest {

    public static class WithCountryDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.visits.geo-database", GeoDatabase.path().toString());
        }
    }

    @Inject
    ClickRelay relay;

    @Test
    void visitsAreCountedByTheCountryOfTheirAddress() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/countries");
        relay.flush();
        // Where the pinned database version (scripts/fetch-geo-db) places these addresses: public resolvers, a BBC address.
        for (String address : List.of("8.8.8.8", "8.8.4.4", "1.1.1.1", "212.58.244.20", "2001:4860:4860::8888", "10.1.2.3", "::1")) {
            assertEquals(302, Visitors.visit(code, Visitors.FIREFOX_LINUX, null, address));
        }
        Visitors.visit(code, "Twitterbot/1.0", null, "8.8.8.8"); // a bot: in no breakdown of people's clicks
        relay.flush();

        JsonPath stats = client.request().get("/api/links/" + code + "/stats").then().statusCode(200).extract().jsonPath();
        Map<String, Integer> countries = new HashMap<>();
        stats.<Map<String, Object>>getList("countries").forEach(c -> countries.put((String) c.get("value"), ((Number) c.get("visits")).intValue()));
        assertEquals(Map.of("US", 2, "CA", 1, "AU", 1, "GB", 1, "unknown", 2), countries, "private and loopback addresses are 'unknown'");
        assertEquals(7, stats.getInt("clicks"));
    }
}
