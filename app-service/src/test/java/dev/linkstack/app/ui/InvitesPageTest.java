package dev.linkstack.app.ui;

import dev.linkstack.app.auth.InviteOnlyTest;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.Forms;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On an invite-only server, a code the admin creates on the invites page registers one account, once. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
@TestProfile(InviteOnlyTest.InviteOnlyFreshDatabase.class)
class InvitesPageTest {
    private static final Pattern CREATED = Pattern.compile("id=\"created-invite\">([^<]+)</code>");

    @Test
    void anInviteCreatedOnThePageRegistersOneAccountOnce() throws IOException {
        // The first account of this fresh database is the admin, whichever test of the profile registers it.
        Api.register(Api.uniqueName("founder"), Api.PASSWORD);
        String adminName = Db.columnIn(RealServers.FRESH_DB_NAME, "SELECT username FROM users ORDER BY id LIMIT 1").get(0);
        Api.Client admin = new Api.Client(adminName, Api.login(adminName, Api.PASSWORD));
        long unused = Db.columnIn(RealServers.FRESH_DB_NAME, "SELECT count(*) FROM invites").stream().mapToLong(Long::parseLong).sum();

        AdminPagesTest.page("/admin/invites", admin).then().statusCode(200).body(containsString("invite-only"));
        String logged = "admin " + adminName + ": created an invite code";
        long loggedBefore = AdminPagesTest.logLines(logged);
        Response created = Forms.csrf("/admin/invites", admin.sessionCookie()).post("/admin/invites", Map.of(), null);
        created.then().statusCode(201).contentType(ContentType.HTML).body(containsString(unusedShown(unused + 1)));
        Matcher code = CREATED.matcher(created.asString());
        assertTrue(code.find(), "the new code is shown once");
        String invite = code.group(1);
        AdminPagesTest.page("/admin/invites", admin).then().statusCode(200).body(containsString(unusedShown(unused + 1)))
                .body(org.hamcrest.Matchers.not(containsString(invite)));
        assertEquals(loggedBefore + 1, AdminPagesTest.logLines(logged), "the action is logged once");
        assertEquals(0, AdminPagesTest.logLines(invite), "the code never reaches the log");

        register(Api.uniqueName("invited"), invite).then().statusCode(201).body("role", equalTo("user"));
        register(Api.uniqueName("again"), invite).then().statusCode(403);
        AdminPagesTest.page("/admin/invites", admin).then().statusCode(200).body(containsString(unusedShown(unused)));
        admin.request().get("/api/admin/invites").then().statusCode(200).body("size()", equalTo((int) unused));
        ReliabilityReport.record("invite code from the admin page on an invite-only server", "2 registrations with it",
                "0 accounts past its single use", "n/a");
    }

    private static String unusedShown(long count) {
        return "id=\"unused-invites\">(" + count + ")";
    }

    private static Response register(String username, String invite) {
        return RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", Api.PASSWORD, "invite", invite)).post("/api/auth/register");
    }
}
