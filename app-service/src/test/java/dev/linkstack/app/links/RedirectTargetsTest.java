package dev.linkstack.app.links;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.Forms;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a short link may send people: http(s) only, never to a blocked domain (%test blocks "blocked.example" and
 * "Phish.TEST.", written oddly on purpose), on creation and on change, through the API and the web UI.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class RedirectTargetsTest {
    private static final List<String> REFUSED = List.of(
            "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "ftp://example.org/",
            "//example.org/", "/local/path", "https://blocked.example/", "https://www.blocked.example/login",
            "https://BLOCKED.example./", "http://a.b.phish.test:8080/x", "https://user@blocked.example/",
            "https://good.example@blocked.example/");
    private static final List<String> ACCEPTED = List.of(
            "https://example.org/", "http://notblocked.example/", "https://blocked.example.org/", "https://example.org/?u=blocked.example");

    @Test
    void theApiRefusesOtherSchemesAndBlockedDomainsOnCreateAndUpdate() {
        Api.Client client = Api.newUser();
        int wronglyAccepted = 0;
        for (String url : REFUSED) {
            Response created = client.request().body(Map.of("url", url)).post("/api/links");
            wronglyAccepted += created.statusCode() == 201 ? 1 : 0;
            created.then().statusCode(400).contentType(ContentType.JSON).body("message", containsString("url"));
        }
        client.request().body(Map.of("url", "https://www.blocked.example/")).post("/api/links")
                .then().body("message", equalTo("url points to a blocked domain (blocked.example)"));
        for (String url : ACCEPTED) {
            Api.createLink(client, url);
        }
        String code = Api.createLink(client, "https://example.org/fine");
        for (String url : REFUSED) {
            Response changed = client.request().body(Map.of("url", url)).patch("/api/links/" + code);
            wronglyAccepted += changed.statusCode() == 200 ? 1 : 0;
            changed.then().statusCode(400).contentType(ContentType.JSON);
        }
        Api.redirect(code).then().statusCode(302).header("Location", equalTo("https://example.org/fine"));
        for (String url : REFUSED) {
            assertEquals(0, Db.number("SELECT count(*) FROM links WHERE target_url = ?", url), "not stored: " + url);
        }
        ReliabilityReport.record("redirect targets: other schemes and blocked domains (API create + update)",
                (REFUSED.size() * 2) + " attempts", String.valueOf(wronglyAccepted), "n/a");
        assertEquals(0, wronglyAccepted);
    }

    @Test
    void theWebUiRefusesBlockedDomainsToo() {
        Api.Client client = Api.newUser();
        Forms.Csrf form = Forms.csrf("/dashboard", client.sessionCookie());
        form.post("/dashboard/links", Map.of("url", "https://login.blocked.example/"), null)
                .then().statusCode(400).body(containsString("url points to a blocked domain"));

        String code = Api.createLink(client, "https://example.org/ui");
        Forms.Csrf edit = Forms.csrf("/dashboard/link?code=" + code, client.sessionCookie());
        edit.post("/dashboard/link", Map.of("code", code, "url", "http://phish.test/"), null)
                .then().statusCode(400).body(containsString("blocked domain"));
        client.request().get("/api/links/" + code).then().body("url", equalTo("https://example.org/ui"));
        assertTrue(client.request().get("/api/links").jsonPath().getList("items.url", String.class).stream()
                .noneMatch(url -> url.contains("blocked.example")));
    }
}
