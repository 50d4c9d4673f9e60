package dev.linkstack.app.auth;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/**
 * The admin (the first account) can disable an account (its sessions and API tokens stop working at once) and delete
 * or block anyone's link (its redirect stops at once, on every cache tier: 404 once deleted, 410 while blocked).
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class AdminToolsTest {

    private static Api.Client admin() {
        Api.newUser(); // makes sure an admin exists (the first account)
        String adminName = Db.column("SELECT username FROM users ORDER BY id LIMIT 1").get(0);
        return new Api.Client(adminName, Api.login(adminName, Api.PASSWORD));
    }

    @Test
    void aDisabledAccountsSessionsAndTokensAreRefusedAtOnceUntilEnabledAgain() {
        Api.Client admin = admin();
        Api.Client victim = Api.newUser();
        String otherSession = Api.login(victim.username(), Api.PASSWORD);
        String token = victim.request().body(Map.of("name", "ci")).post("/api/tokens").then().statusCode(201).extract().path("token");
        bearer(token).get("/api/auth/me").then().statusCode(200);

        admin.request().put("/api/admin/users/" + victim.username() + "/disabled").then().statusCode(200)
                .body("username", equalTo(victim.username())).body("disabled", equalTo(true));
        // The very next request with any of them is refused.
        victim.request().get("/api/auth/me").then().statusCode(401).body("error", equalTo("unauthorized"));
        new Api.Client(victim.username(), otherSession).request().get("/api/links").then().statusCode(401);
        bearer(token).get("/api/auth/me").then().statusCode(401);
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", victim.username(), "password", Api.PASSWORD))
                .header("X-Forwarded-For", "10.80.0.1").post("/api/auth/login").then().statusCode(401);
        admin.request().get("/api/admin/users").then().statusCode(200)
                .body("find { it.username == '" + victim.username() + "' }.disabled", equalTo(true));

        admin.request().delete("/api/admin/users/" + victim.username() + "/disabled").then().statusCode(200)
                .body("disabled", equalTo(false));
        bearer(token).get("/api/auth/me").then().statusCode(200);
        Api.login(victim.username(), Api.PASSWORD);
        ReliabilityReport.record("admin disables an account with 2 sessions and 1 API token", "4 requests after disabling",
                "0 requests let through", "n/a");
    }

    @Test
    void adminToolsAreForTheAdminAndNotAgainstThemselves() {
        Api.Client admin = admin();
        Api.Client user = Api.newUser();
        user.request().put("/api/admin/users/" + admin.username() + "/disabled").then().statusCode(403);
        admin.request().put("/api/admin/users/" + admin.username() + "/disabled").then().statusCode(409)
                .body("error", equalTo("conflict"));
        admin.request().put("/api/admin/users/no-such-user-here/disabled").then().statusCode(404).contentType(ContentType.JSON);
        admin.request().get("/api/auth/me").then().statusCode(200);
    }

    @Test
    void theAdminDeletesAnyonesLinkAndItsRedirectStopsAtOnce() {
        Api.Client admin = admin();
        Api.Client owner = Api.newUser();
        String code = Api.createLink(owner, "https://example.org/phishing-" + owner.username());
        for (int i = 0; i < 3; i++) {
            Api.redirect(code).then().statusCode(302); // now in every cache tier
        }
        owner.request().delete("/api/admin/links/" + code).then().statusCode(403);
        admin.request().delete("/api/admin/links/" + code).then().statusCode(204);
        Api.redirect(code).then().statusCode(404);
        owner.request().get("/api/links/" + code).then().statusCode(404);
        admin.request().delete("/api/admin/links/" + code).then().statusCode(404).contentType(ContentType.JSON);
        ReliabilityReport.record("admin deletes a cached link of another user", "1 redirect right after deleting",
                "0 redirects to the deleted target", "n/a");
    }

    @Test
    void aBlockedLinkStopsRedirectingAtOnceUntilUnblocked() {
        Api.Client admin = admin();
        Api.Client owner = Api.newUser();
        String code = Api.createLink(owner, "https://example.org/blocked-" + owner.username());
        for (int i = 0; i < 3; i++) {
            Api.redirect(code).then().statusCode(302); // now in every cache tier
        }
        owner.request().put("/api/admin/links/" + code + "/blocked").then().statusCode(403);
        admin.request().put("/api/admin/links/" + code + "/blocked").then().statusCode(204);
        Api.redirect(code).then().statusCode(410).contentType(ContentType.JSON).body("error", equalTo("gone"));
        Api.redirect(code).then().statusCode(410); // remembered as blocked, not as missing
        owner.request().get("/api/links/" + code).then().statusCode(200); // the owner still sees it
        admin.request().delete("/api/admin/links/" + code + "/blocked").then().statusCode(204);
        Api.redirect(code).then().statusCode(302);
        admin.request().put("/api/admin/links/no-such-code-here/blocked").then().statusCode(404).contentType(ContentType.JSON);
        ReliabilityReport.record("admin blocks a cached link of another user", "1 redirect right after blocking",
                "0 redirects to the blocked target", "n/a");
    }

    private static io.restassured.specification.RequestSpecification bearer(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token);
    }
}
