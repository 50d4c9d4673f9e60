package dev.linkstack.app.ui;

import dev.linkstack.app.clicks.ClickRelay;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.testing.Browser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.net.URL;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web UI in a real browser against the real app (PostgreSQL and Redis started by the harness). */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class BrowserTest {
    private static WebDriver driver;

    @TestHTTPResource("/")
    URL base;

    @Inject
    ClickRelay flusher;

    @BeforeAll
    static void startBrowser() {
        driver = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void registerShortenFollowSeeTheClickManageTokensAndSignOut() {
        signedOut();
        // Signed out, the dashboard sends people to the sign-in page.
        open("dashboard");
        assertTrue(driver.getCurrentUrl().contains("/account/login"), driver.getCurrentUrl());
        Browser.screenshot(driver, "01-sign-in");

        // Register: a field error first, then success lands on the dashboard.
        clickAndWait(By.linkText("Register"));
        String username = Api.uniqueName("browser");
        type("username", username);
        type("password", "short");
        clickAndWait(By.id("register"));
        assertTrue(text("password-error").contains("at least 8"), text("password-error"));
        Browser.screenshot(driver, "02-register-error");
        type("password", "a-long-enough-password");
        clickAndWait(By.id("register"));
        assertTrue(driver.getCurrentUrl().endsWith("/dashboard"), driver.getCurrentUrl());

        // A bad URL is explained next to its field.
        type("url", "ftp://example.org/file");
        clickAndWait(By.id("shorten"));
        assertTrue(text("url-error").contains("http://"), text("url-error"));

        // Create a link to a page of this server (the only network here), follow it, see the click counted.
        String code = "ui-" + System.nanoTime();
        String target = base + "q/health/live";
        type("url", target);
        type("code", code);
        clickAndWait(By.id("shorten"));
        Browser.screenshot(driver, "03a-link-created");
        assertTrue(driver.getCurrentUrl().contains("/dashboard/link?code="), driver.getCurrentUrl() + "\n" + driver.getPageSource());
        assertEquals(code, text("link-code"));
        assertTrue(driver.getPageSource().contains("Link created."));

        driver.get(base + code);
        assertTrue(driver.getCurrentUrl().endsWith("/q/health/live"), "followed the redirect: " + driver.getCurrentUrl());
        flusher.flush();
        open("dashboard/link?code=" + code);
        assertEquals("1", text("total-clicks"));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        List<WebElement> bars = driver.findElements(By.cssSelector("svg.chart rect.bar title"));
        assertEquals(30, bars.size());
        assertTrue(bars.stream().anyMatch(bar -> bar.getAttribute("textContent").equals(today + ": 1 click")), "today's bar");
        WebElement qr = driver.findElement(By.cssSelector(".qr-code svg path"));
        assertTrue(qr.getAttribute("d").length() > 100, "QR code drawn");
        Browser.screenshot(driver, "04-link-stats");

        // Edit the target; the redirect follows the change at once.
        String newTarget = base + "q/health/started";
        type("url", newTarget);
        clickAndWait(By.id("save"));
        assertTrue(driver.getPageSource().contains("Changes saved."));
        driver.get(base + code);
        assertTrue(driver.getCurrentUrl().endsWith("/q/health/started"), driver.getCurrentUrl());

        // The dashboard lists it, with its clicks, and works at phone width without sideways scrolling.
        open("dashboard");
        WebElement row = driver.findElement(By.cssSelector("li[data-code='" + code + "']"));
        assertTrue(row.getText().contains("1 click") || row.getText().contains("2 clicks"), row.getText());
        Browser.screenshot(driver, "03-dashboard");
        driver.manage().window().setSize(new Dimension(390, 844));
        open("dashboard");
        Long overflow = (Long) ((JavascriptExecutor) driver).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertTrue(overflow <= 1, "horizontal overflow at phone width: " + overflow + "px");
        Browser.screenshot(driver, "03-dashboard-phone");
        driver.manage().window().setSize(new Dimension(1280, 1000));

        // API tokens: shown once with the scope picked, usable, revocable.
        open("settings/tokens");
        type("name", "deploy script");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("scope"))).selectByValue("create");
        clickAndWait(By.id("create-token"));
        String token = text("created-token");
        assertTrue(token.startsWith("lsk_"), token);
        assertEquals("create", driver.findElement(By.cssSelector("#tokens .token-scope")).getText());
        RestAssured.given().header("Authorization", "Bearer " + token).get("/api/auth/me").then().statusCode(200)
                .body("scope", org.hamcrest.Matchers.equalTo("create"));
        Browser.screenshot(driver, "05-tokens");
        open("settings/tokens");
        assertFalse(driver.getPageSource().contains(token), "a token is shown only once");
        clickAndWait(By.cssSelector("button.revoke"));
        assertTrue(driver.findElements(By.id("no-tokens")).size() == 1, "token list empty after revoking");
        RestAssured.given().header("Authorization", "Bearer " + token).get("/api/auth/me").then().statusCode(401);

        // Delete with confirmation.
        open("dashboard/link?code=" + code);
        clickAndWait(By.id("delete"));
        assertTrue(driver.getPageSource().contains("cannot be undone"));
        clickAndWait(By.id("confirm-delete"));
        assertTrue(driver.getCurrentUrl().endsWith("/dashboard"), driver.getCurrentUrl());
        assertTrue(driver.findElements(By.cssSelector("li[data-code='" + code + "']")).isEmpty());
        Api.redirect(code).then().statusCode(404);

        // Sign out ends the session.
        clickAndWait(By.id("sign-out"));
        assertTrue(driver.getCurrentUrl().contains("/account/login"), driver.getCurrentUrl());
        open("dashboard");
        assertTrue(driver.getCurrentUrl().contains("/account/login"), "signed out: " + driver.getCurrentUrl());
    }

    @Test
    void aFormWithoutTheRightCsrfTokenIsRejected() {
        Api.Client client = Api.newUser();
        signIn(client);

        String code = "forged-" + System.nanoTime();
        ((JavascriptExecutor) driver).executeScript("document.querySelector('form[action=\"/dashboard/links\"] input[name=\"csrf-token\"]').value = 'forged';");
        type("url", "https://example.org/forged");
        type("code", code);
        clickAndWait(By.id("shorten"));
        assertEquals("Form rejected", text("form-rejected"));
        Browser.screenshot(driver, "06-csrf-rejected");
        client.request().get("/api/links/" + code).then().statusCode(404);

        // The same post from another site carries the session cookie but cannot know the token.
        RestAssured.given().redirects().follow(false).cookie("linkstack_session", client.sessionCookie())
                .contentType("application/x-www-form-urlencoded").formParam("url", "https://example.org/csrf").formParam("code", code)
                .post("/dashboard/links").then().statusCode(400).body("error", org.hamcrest.Matchers.equalTo("form_rejected"));
        client.request().get("/api/links/" + code).then().statusCode(404);
    }

    @Test
    void aLinkWithAPasswordAsksSignedOutVisitorsForItAndTheOwnerCanRemoveIt() {
        Api.Client client = Api.newUser();
        signIn(client);
        String code = "locked-" + System.nanoTime();
        String target = base + "q/health/live";
        type("url", target);
        type("code", code);
        type("password", "letmein please");
        clickAndWait(By.id("shorten"));
        assertTrue(text("link-locked").contains("Password protected"), driver.getPageSource());
        open("dashboard");
        WebElement row = driver.findElement(By.cssSelector("li[data-code='" + code + "']"));
        assertEquals(1, row.findElements(By.cssSelector(".badge.locked")).size(), "lock mark in the list");

        signedOut();
        driver.get(base + code);
        assertEquals("This link is protected", text("unlock-title"));
        Browser.screenshot(driver, "10-link-password");
        type("password", "guess");
        clickAndWait(By.id("unlock"));
        assertTrue(text("unlock-error").contains("Wrong password"), driver.getPageSource());
        type("password", "letmein please");
        clickAndWait(By.id("unlock"));
        assertTrue(driver.getCurrentUrl().endsWith("/q/health/live"), "unlocked and followed: " + driver.getCurrentUrl());
        flusher.flush();
        client.request().get("/api/links/" + code).then().body("clicks", org.hamcrest.Matchers.equalTo(1));

        // The owner removes the password on the edit form; the next visitor goes straight through.
        signIn(client);
        open("dashboard/link?code=" + code);
        driver.findElement(By.id("removePassword")).click();
        clickAndWait(By.id("save"));
        assertTrue(driver.getPageSource().contains("Changes saved."));
        assertTrue(driver.findElements(By.id("link-locked")).isEmpty(), "no longer protected");
        signedOut();
        driver.get(base + code);
        assertTrue(driver.getCurrentUrl().endsWith("/q/health/live"), driver.getCurrentUrl());
    }

    private void signIn(Api.Client client) {
        signedOut();
        open("account/login");
        type("username", client.username());
        type("password", Api.PASSWORD);
        clickAndWait(By.id("sign-in"));
        assertTrue(driver.getCurrentUrl().endsWith("/dashboard"), driver.getCurrentUrl());
    }

    @Test
    void theAdminDisablesAnAccountBlocksALinkAndCreatesAnInviteFromTheAdminPages() {
        Api.Client admin = AdminPagesTest.admin();
        Api.Client victim = Api.newUser();
        String code = Api.createLink(victim, "https://example.org/browser-phish-" + victim.username());
        Api.redirect(code).then().statusCode(302);
        signIn(admin);

        clickAndWait(By.id("admin-nav"));
        assertTrue(driver.getCurrentUrl().endsWith("/admin/users"), driver.getCurrentUrl());
        clickAndWait(By.cssSelector("tr[data-username='" + victim.username() + "'] button.disable"));
        assertTrue(driver.findElement(By.cssSelector("tr[data-username='" + victim.username() + "']")).getText().contains("disabled"));
        Browser.screenshot(driver, "07-admin-accounts");
        victim.request().get("/api/auth/me").then().statusCode(401);

        clickAndWait(By.cssSelector("nav[aria-label='Admin'] a[href='/admin/links']")); // not the main "Links"
        type("q", code);
        clickAndWait(By.id("find-link"));
        clickAndWait(By.cssSelector("tr[data-code='" + code + "'] button.block"));
        assertTrue(driver.findElement(By.cssSelector("tr[data-code='" + code + "']")).getText().contains("blocked"));
        Browser.screenshot(driver, "08-admin-links");
        Api.redirect(code).then().statusCode(410);

        clickAndWait(By.linkText("Invite codes"));
        clickAndWait(By.id("create-invite"));
        assertTrue(text("created-invite").length() >= 16, text("created-invite"));
        Browser.screenshot(driver, "09-admin-invites");
    }

    @Test
    void tagsAddedOnTheDashboardFilterTheList() {
        Api.Client client = Api.newUser();
        signIn(client);

        String docs = "tag-docs-" + System.nanoTime();
        type("url", "https://example.org/docs");
        type("code", docs);
        type("tags", "Docs, work");
        clickAndWait(By.id("shorten"));
        assertEquals("Tags: docs work", text("link-tags").replaceAll("\\s+", " "));
        open("dashboard");
        String other = "tag-other-" + System.nanoTime();
        type("url", "https://example.org/other");
        type("code", other);
        type("tags", "work");
        clickAndWait(By.id("shorten"));

        // A bad tag is explained next to its field.
        open("dashboard");
        type("url", "https://example.org/bad-tag");
        type("tags", "no/slash");
        clickAndWait(By.id("shorten"));
        assertTrue(text("tags-error").contains("1-32"), text("tags-error"));

        // The tag pills filter the list, without JavaScript.
        open("dashboard");
        clickAndWait(By.cssSelector("li[data-code='" + docs + "'] a.tag[href='/dashboard?tag=docs']"));
        assertTrue(driver.getCurrentUrl().endsWith("/dashboard?tag=docs"), driver.getCurrentUrl());
        assertTrue(text("tag-filter").contains("docs"), text("tag-filter"));
        assertEquals(1, driver.findElements(By.cssSelector("li.link-row")).size());
        assertEquals(1, driver.findElements(By.cssSelector("li[data-code='" + docs + "']")).size());
        Browser.screenshot(driver, "10-dashboard-tag-filter");
        open("dashboard?tag=work");
        assertEquals(2, driver.findElements(By.cssSelector("li.link-row")).size());

        // Editing replaces the tags; emptying the field removes them.
        open("dashboard/link?code=" + docs);
        assertEquals("docs, work", driver.findElement(By.id("tags")).getAttribute("value"));
        type("tags", "");
        clickAndWait(By.id("save"));
        assertTrue(driver.findElements(By.id("link-tags")).isEmpty(), "no tags shown after clearing them");
        client.request().get("/api/links/" + docs).then().body("tags", org.hamcrest.Matchers.empty());
        client.request().get("/api/links/" + other).then().body("tags", org.hamcrest.Matchers.equalTo(List.of("work")));
    }

    private void signedOut() {
        open("account/login");
        driver.manage().deleteAllCookies();
        assertEquals(java.util.Set.of(), driver.manage().getCookies(), "cookies left");
    }


    private static void clickAndWait(By target) {
        Browser.clickAndWait(driver, target);
    }

    private static void type(String id, String value) {
        Browser.type(driver, id, value);
    }

    private void open(String path) {
        driver.get(base + path);
    }


    private static String text(String id) {
        return driver.findElement(By.id(id)).getText().trim();
    }
}
