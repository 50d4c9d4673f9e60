package dev.linkstack.backup.ui;

import dev.linkstack.backup.testing.InjectPostgres;
import dev.linkstack.backup.testing.PostgresResource;
import dev.linkstack.backup.testing.TestPostgres;
import dev.linkstack.testing.Browser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backups page in headless Chromium against the real service, PostgreSQL and pg_dump. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = true)
class BackupsPageBrowserTest {
    private static final String TOKEN = "test-token"; // %test.backup.api.token
    private static WebDriver driver;

    @InjectPostgres
    TestPostgres postgres;

    @TestHTTPResource("/")
    URL base;

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
    void signInBackUpNowSeeItVerifyItAndDownloadIt() {
        driver.get(base + "ui");
        assertTrue(driver.getCurrentUrl().endsWith("/ui/login"), "the page asks for the token: " + driver.getCurrentUrl());
        type("token", "not-the-token");
        clickAndWait(By.id("sign-in"));
        assertTrue(driver.findElement(By.id("token-error")).getText().contains("not the API token"));
        Browser.screenshot(driver, "backups-01-sign-in-error");
        type("token", TOKEN);
        clickAndWait(By.id("sign-in"));
        assertTrue(driver.getCurrentUrl().endsWith("/ui"), driver.getCurrentUrl());

        int before = driver.findElements(By.cssSelector("#backups tbody tr")).size();
        clickAndWait(By.id("back-up-now"));
        assertTrue(driver.findElement(By.id("notice")).getText().startsWith("Backup started"));
        // The job runs in the background: reload until the new backup is listed.
        new WebDriverWait(driver, Duration.ofSeconds(60)).pollingEvery(Duration.ofMillis(500)).until(d -> {
            d.get(base + "ui");
            return d.findElements(By.cssSelector("#backups tbody tr")).size() == before + 1;
        });
        WebElement newest = driver.findElements(By.cssSelector("#backups tbody tr")).get(0);
        String id = newest.getAttribute("data-backup-id");
        assertTrue(newest.getText().contains("succeeded"), newest.getText());
        assertEquals("Fresh", driver.findElement(By.id("freshness")).getText());
        Browser.screenshot(driver, "backups-02-list");

        clickAndWait(By.cssSelector("tr[data-backup-id='" + id + "'] button.verify"));
        String report = driver.findElement(By.id("verify-report")).getText();
        assertTrue(report.contains("Verified " + id) && report.contains("Checksum matches"), report);
        Browser.screenshot(driver, "backups-03-verified");

        // Download with the page session (the browser would save the file; check the bytes over HTTP).
        String href = driver.findElement(By.cssSelector("tr[data-backup-id='" + id + "'] a.download")).getAttribute("href");
        String session = driver.manage().getCookieNamed("backup_session").getValue();
        String checksum = RestAssured.given().cookie("backup_session", session).get(href).then().statusCode(200).extract().header("X-Checksum-SHA256");
        assertEquals(RestAssured.given().header("Authorization", "Bearer " + TOKEN).get("/api/backups/" + id).then().extract().path("sha256"), checksum);
        RestAssured.given().redirects().follow(false).get(href).then().statusCode(303); // no session, no file

        // A forged form (right session, wrong CSRF token) does nothing.
        ((JavascriptExecutor) driver).executeScript("document.querySelector('form[action=\"/ui/backups\"] input[name=\"csrf\"]').value = 'forged';");
        List<String> files = postgres.backupDirListing();
        clickAndWait(By.id("back-up-now"));
        assertEquals("Form rejected", driver.findElement(By.id("form-rejected")).getText());
        dev.linkstack.testing.Processes.sleep(1000);
        assertEquals(files, postgres.backupDirListing(), "a forged form must not start a backup");

        driver.get(base + "ui");
        clickAndWait(By.id("sign-out"));
        driver.get(base + "ui");
        assertTrue(driver.getCurrentUrl().endsWith("/ui/login"), "signed out");
    }

    private static void clickAndWait(By target) {
        Browser.clickAndWait(driver, target);
    }

    private static void type(String id, String value) {
        Browser.type(driver, id, value);
    }
}
