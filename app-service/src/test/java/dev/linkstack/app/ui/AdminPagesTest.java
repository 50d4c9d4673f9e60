package dev.linkstack.app.ui;

import dev.linkstack.app.redirect.RedirectLookup;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.Db;
import dev.linkstack.app.testing.Forms;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.ReliabilityReport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The admin pages driven with real forms (CSRF cookie and token from the page): an account disabled there is signed out
 * at once, a link blocked there answers 410 from every cache tier, and nobody but the admin reaches them.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class AdminPagesTest {
    private static final Path TEST_LOG = Path.of("target/quarkus-test.log");

    @Inject
    RedirectLookup lookup;

    /**
     * An admin of its own, made in the database: the first account's sign-ins are throttled once the fuzz test has
     * guessed at its password, and that test may run before this one.
     */
    static Api.Client admin() {
        Api.Client user = Api.newUser();
        Db.column("UPDATE users SET role = 'admin' WHERE username = ? RETURNING username", user.username());
        return new Api.Client(user.username(), Api.login(user.username(), Api.PASSWORD));
    }

    @Test
    void anAccountDisabledOnThePageIsSignedOutAtOnceUntilEnabledAgain() throws IOException {
        Api.Client admin = admin();
        Api.Client victim = Api.newUser();
        page("/dashboard", victim).then().statusCode(200);
        page("/dashboard", admin).then().statusCode(200).body(containsString("id=\"admin-nav\""));

        String logged = "admin " + admin.username() + ": disabled account " + victim.username() + " (1 sessions ended)";
        long loggedBefore = logLines(logged); // the log file keeps earlier runs
        Forms.Csrf form = Forms.csrf("/admin/users", admin.sessionCookie());
        form.post("/admin/users/disable", Map.of("username", victim.username()), null)
                .then().statusCode(303).header("Location", endsWith("/admin/users"));
        // The victim's very next request, page or API, finds no session.
        page("/dashboard", victim).then().statusCode(303).header("Location", endsWith("/account/login"));
        victim.request().get("/api/auth/me").then().statusCode(401);
        page("/admin/users", admin).then().statusCode(200)
                .body(containsString("aria-label=\"Enable account " + victim.username() + "\""));
        assertEquals(loggedBefore + 1, logLines(logged), "the action is logged once");

        // The admin's own account is refused beside its row, and stays usable.
        Response self = form.post("/admin/users/disable", Map.of("username", admin.username().toUpperCase()), null);
        self.then().statusCode(409).contentType(ContentType.HTML).body(containsString("id=\"username-error\""))
                .body(containsString("You cannot disable your own account"));
        form.post("/admin/users/disable", Map.of("username", "no-such-account-here"), null).then().statusCode(404)
                .body(containsString("id=\"form-error\""));

        form.post("/admin/users/enable", Map.of("username", victim.username()), null).then().statusCode(303);
        page("/dashboard", new Api.Client(victim.username(), Api.login(victim.username(), Api.PASSWORD))).then().statusCode(200);
        page("/dashboard", admin).then().statusCode(200);
        ReliabilityReport.record("admin page disables an account with an open session", "2 requests right after disabling",
                "0 requests let through", "n/a");
    }

    @Test
    void aLinkBlockedOnThePageAnswers410FromEveryTierUntilUnblockedAndADeletedOne404() throws IOException {
        Api.Client admin = admin();
        Api.Client owner = Api.newUser();
        String code = Api.createLink(owner, "https://example.org/phish-" + owner.username());
        for (int i = 0; i < 3; i++) {
            Api.redirect(code).then().statusCode(302); // now in every cache tier
        }
        page("/admin/links?q=" + code, admin).then().statusCode(200).body(containsString("data-code=\"" + code + "\""))
                .body(containsString(owner.username()));
        page("/admin/links?q=PHISH-" + owner.username().toUpperCase(), admin).then().statusCode(200)
                .body(containsString("data-code=\"" + code + "\""));

        String logged = "admin " + admin.username() + ": blocked link " + code + " of user ";
        long loggedBefore = logLines(logged); // the log file keeps earlier runs
        Forms.Csrf form = Forms.csrf("/admin/links?q=" + code, admin.sessionCookie());
        form.post("/admin/links/block", Map.of("code", code, "q", code), null)
                .then().statusCode(303).header("Location", endsWith("/admin/links?q=" + code));
        int refused = 0;
        // From the database (the change dropped the cached copies), then from this instance's cache...
        refused += gone(code);
        refused += gone(code);
        // ...and from Redis alone, as an instance that has not cached it yet sees it.
        assertEquals("-3|+0|", RealServers.redis().cli("GET", "link:" + code), "the shared tier remembers the block");
        lookup.dropAll();
        refused += gone(code);
        assertEquals(3, refused);
        owner.request().get("/api/links/" + code).then().statusCode(200); // still its owner's
        page("/admin/links?q=" + code, admin).then().body(containsString("Unblock link " + code));
        assertEquals(loggedBefore + 1, logLines(logged), "the action is logged once");

        form.post("/admin/links/unblock", Map.of("code", code, "q", code), null).then().statusCode(303);
        Api.redirect(code).then().statusCode(302);

        page("/admin/links/delete?code=" + code, admin).then().statusCode(200).body(containsString("id=\"confirm-delete\""));
        form.post("/admin/links/delete", Map.of("code", code, "q", code), null).then().statusCode(303);
        Api.redirect(code).then().statusCode(404).body("error", equalTo("not_found"));
        form.post("/admin/links/block", Map.of("code", code, "q", code), null).then().statusCode(404)
                .contentType(ContentType.HTML).body(containsString("id=\"form-error\""));
        page("/admin/links?q=" + "x".repeat(300), admin).then().statusCode(400).body(containsString("id=\"q-error\""));
        ReliabilityReport.record("admin page blocks a link cached in every tier", "3 redirects right after blocking (database, in-process, Redis)",
                (3 - refused) + " redirects to the blocked target (all 410)", "n/a");
    }

    @Test
    void nobodyButTheAdminReachesThePagesOrChangesAnythingThroughTheirForms() {
        Api.Client admin = admin();
        Api.Client user = Api.newUser();
        String code = Api.createLink(user, "https://example.org/mine-" + user.username());
        page("/dashboard", user).then().statusCode(200).body(not(containsString("admin-nav")));
        for (String path : new String[]{"/admin", "/admin/users", "/admin/links", "/admin/links?q=" + code,
                "/admin/links/delete?code=" + code, "/admin/invites"}) {
            page(path, user).then().statusCode(403).contentType(ContentType.HTML).body(containsString("id=\"admin-only\""));
            RestAssured.given().redirects().follow(false).get(path).then().statusCode(303).header("Location", endsWith("/account/login"));
        }
        long invites = Db.number("SELECT count(*) FROM invites");
        Forms.Csrf form = Forms.csrf("/dashboard", user.sessionCookie()); // a valid token: only the role stops them
        int attempts = 0;
        for (Map.Entry<String, Map<String, String>> post : Map.of(
                "/admin/users/disable", Map.of("username", admin.username()),
                "/admin/users/enable", Map.of("username", user.username()),
                "/admin/links/block", Map.of("code", code),
                "/admin/links/delete", Map.of("code", code),
                "/admin/invites", Map.<String, String>of()).entrySet()) {
            form.post(post.getKey(), post.getValue(), null).then().statusCode(403);
            attempts++;
        }
        page("/dashboard", admin).then().statusCode(200);
        Api.redirect(code).then().statusCode(302);
        assertEquals(invites, Db.number("SELECT count(*) FROM invites"));
        // The admin's own forms still need the CSRF token.
        RestAssured.given().redirects().follow(false).cookie("linkstack_session", admin.sessionCookie())
                .contentType("application/x-www-form-urlencoded").formParam("code", code).post("/admin/links/block")
                .then().statusCode(400);
        Api.redirect(code).then().statusCode(302);
        ReliabilityReport.record("admin pages and forms tried by a signed-in user and anonymously", attempts + " form posts + 12 page loads",
                "0 changes made, 0 pages shown", "n/a");
    }

    static Response page(String path, Api.Client client) {
        return RestAssured.given().redirects().follow(false).cookie("linkstack_session", client.sessionCookie()).get(path);
    }

    private static int gone(String code) {
        Api.redirect(code).then().statusCode(410).contentType(ContentType.JSON).body("error", equalTo("gone"));
        return 1;
    }

    static long logLines(String text) throws IOException {
        try (var lines = Files.lines(TEST_LOG)) {
            return lines.filter(line -> line.contains(text)).count();
        }
    }
}
