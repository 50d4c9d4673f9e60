package dev.linkstack.app.auth;

import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Forms;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Invite-only registration on a new server: the first account (the admin) needs no code, everyone after one each. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
@TestProfile(InviteOnlyTest.InviteOnlyFreshDatabase.class)
public class InviteOnlyTest {

    public static class InviteOnlyFreshDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.registration.invite-only", "true");
        }
    }

    @Test
    void everyAccountAfterTheAdminNeedsItsOwnSingleUseInvite() {
        String adminName = Api.uniqueName("founder");
        register(adminName, null).then().statusCode(201).body("role", equalTo("admin"));
        Api.Client admin = new Api.Client(adminName, Api.login(adminName, Api.PASSWORD));

        register(Api.uniqueName("uninvited"), null).then().statusCode(403).body("error", equalTo("forbidden"))
                .body("message", containsString("invite"));
        register(Api.uniqueName("guesser"), "not-a-real-code").then().statusCode(403);
        String invite = admin.request().post("/api/admin/invites").then().statusCode(201).extract().path("invite");
        register(Api.uniqueName("invited"), invite).then().statusCode(201).body("role", equalTo("user"));
        register(Api.uniqueName("second-use"), invite).then().statusCode(403);

        // The form asks for the code and takes it.
        Forms.Csrf csrf = Forms.csrf("/account/register");
        String formInvite = admin.request().post("/api/admin/invites").then().statusCode(201).extract().path("invite");
        Response page = csrf.post("/account/register", Map.of("username", Api.uniqueName("form"), "password", Api.PASSWORD), null);
        page.then().statusCode(403).body(containsString("invite code"));
        csrf.post("/account/register", Map.of("username", Api.uniqueName("form"), "password", Api.PASSWORD, "invite", formInvite), null)
                .then().statusCode(303);
        ReliabilityReport.record("invite-only registration: without, with a wrong and with a used code", "4 refused + 2 invited registrations",
                "0 accounts without a fresh invite", "n/a");
    }

    private static Response register(String username, String invite) {
        Map<String, String> body = new HashMap<>(Map.of("username", username, "password", Api.PASSWORD));
        if (invite != null) {
            body.put("invite", invite);
        }
        return RestAssured.given().contentType(ContentType.JSON).body(body).post("/api/auth/register");
    }
}
