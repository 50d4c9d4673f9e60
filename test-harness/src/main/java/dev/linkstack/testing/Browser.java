package dev.linkstack.testing;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Headless Debian Chromium driven by Debian's chromedriver (no browser or driver downloads). The flags keep it
 * off the network: this machine has none beyond loopback.
 */
public final class Browser {
    /** Screenshots land here, relative to the module being tested. */
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private Browser() {
    }

    public static WebDriver start() {
        try {
            Path profile = Files.createTempDirectory("chromium-profile");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(executable("/usr/bin/chromium"));
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--window-size=1280,1000", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(executable("/usr/bin/chromedriver"))).usingAnyFreePort().build();
            return new ChromeDriver(service, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void screenshot(WebDriver driver, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Clicks something that loads a new page and waits until the new page has replaced the old one. The old page is
     * marked with a window property that a fresh document does not have; element staleness checks are avoided because
     * Chromium can answer them with an "unknown error" while the old document is being torn down.
     */
    public static void clickAndWait(WebDriver driver, By target) {
        JavascriptExecutor script = (JavascriptExecutor) driver;
        script.executeScript("window.__replacedByNavigation = true;");
        driver.findElement(target).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).pollingEvery(Duration.ofMillis(50))
                .ignoring(WebDriverException.class) // the document may vanish between two calls of the probe
                .until(d -> Boolean.TRUE.equals(script.executeScript(
                        "return window.__replacedByNavigation === undefined && document.readyState === 'complete';")));
    }

    /** Replaces the value of the input with this id. */
    public static void type(WebDriver driver, String id, String value) {
        WebElement field = driver.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    private static String executable(String path) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " missing: apt-get install chromium chromium-driver");
        }
        return path;
    }
}
