package dev.linkstack.app.ui;

import dev.linkstack.app.clicks.ClickRelay;
import dev.linkstack.app.testing.Api;
import dev.linkstack.app.testing.RealServers;
import dev.linkstack.app.testing.Visitors;
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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

import java.net.URL;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The statistics pages in a real browser: figures, breakdowns, ranges, the CSV link and the account overview. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class StatsPagesBrowserTest {
    private static WebDriver driver;

    @TestHTTPResource("/")
    URL base;

    @Inject
    ClickRelay relay;

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
    void aLinksVisitsByReferrerDeviceAndBotAndTheAccountOverview() {
        Api.Client client = Api.newUser();
        String code = Api.createLink(client, "https://example.org/stats-page");
        relay.flush();
        assertEquals(302, Visitors.visit(code, Visitors.CHROME_WINDOWS, "https://www.reddit.com/r/selfhosted", "203.0.113.21"));
        assertEquals(302, Visitors.visit(code, Visitors.CHROME_WINDOWS, "https://www.reddit.com/r/java", "203.0.113.21"));
        assertEquals(302, Visitors.visit(code, Visitors.SAFARI_IPHONE, null, "203.0.113.22"));
        assertEquals(302, Visitors.visit(code, "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", null, "203.0.113.23"));
        relay.flush();

        driver.get(base + "account/login");
        Browser.type(driver, "username", client.username());
        Browser.type(driver, "password", Api.PASSWORD);
        Browser.clickAndWait(driver, By.id("sign-in"));
        driver.get(base + "dashboard/link?code=" + code);
        assertEquals("3", text("range-clicks"));
        assertEquals("2", text("range-uniques"));
        assertEquals("1", text("range-bots"));
        assertTrue(text("breakdown-referrers").contains("reddit.com"), text("breakdown-referrers"));
        assertTrue(text("breakdown-devices").contains("phone"), text("breakdown-devices"));
        assertTrue(text("breakdown-browsers").contains("Mobile Safari"), text("breakdown-browsers"));
        assertTrue(text("breakdown-bots").contains("Slackbot-LinkExpanding"), text("breakdown-bots"));
        assertEquals("67", driver.findElement(By.cssSelector("#breakdown-referrers meter")).getAttribute("value"), "reddit.com: 2 of 3 clicks");
        assertTrue(driver.findElements(By.id("breakdown-countries")).isEmpty(), "no country database: no countries section");
        Browser.screenshot(driver, "10-link-statistics");

        // A shorter range, picked in the form: the chart and the table follow it.
        new Select(driver.findElement(By.id("days"))).selectByValue("7");
        Browser.clickAndWait(driver, By.id("show-range"));
        assertTrue(driver.getCurrentUrl().contains("days=7"), driver.getCurrentUrl());
        assertEquals(7, driver.findElements(By.cssSelector("svg.chart rect.bar")).size());
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String csvUrl = driver.findElement(By.id("stats-csv")).getAttribute("href");
        assertTrue(csvUrl.contains("from=" + LocalDate.now(ZoneOffset.UTC).minusDays(6) + "&to=" + today), csvUrl);
        String csv = client.request().get(csvUrl.substring(csvUrl.indexOf("/api/"))).then().statusCode(200).extract().asString();
        assertTrue(csv.contains(today + ",clicks,,3"), csv);

        // An impossible range is explained and the default shown instead.
        driver.get(base + "dashboard/link?code=" + code + "&from=2026-02-01&to=2026-01-01");
        assertTrue(driver.getPageSource().contains("showing the last 30 days"), driver.getPageSource());

        Browser.clickAndWait(driver, By.id("stats-nav"));
        assertTrue(driver.getCurrentUrl().endsWith("/dashboard/stats"), driver.getCurrentUrl());
        assertEquals("3", text("overview-clicks"));
        assertEquals("1", text("overview-bots"));
        assertTrue(text("top-links").contains(code), text("top-links"));
        Browser.screenshot(driver, "11-account-statistics");
        RestAssured.given().redirects().follow(false).get("/dashboard/stats").then().statusCode(303);
    }

    private static String text(String id) {
        return driver.findElement(By.id(id)).getText().trim();
    }
}
