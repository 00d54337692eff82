package io.paperalerts.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Chromium driven by Selenium, for the browser tests. Needs Debian's {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them and sets
 * {@code -Dpaperalerts.test.browser=required}, so CI fails rather than skips without them.
 */
final class Chromium {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {}

    /** Skips the test where Chromium is missing, unless the build requires browser tests. */
    static void assumeInstalled() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!"required".equals(System.getProperty("paperalerts.test.browser"))) {
            Assumptions.assumeTrue(
                    installed,
                    "Chromium and ChromeDriver are not installed (apt-get install chromium "
                            + "chromium-driver); .ci/run installs them");
        }
        assertThat(installed)
                .as("%s and %s must be installed", CHROMIUM, CHROMEDRIVER)
                .isTrue();
    }

    static ChromeDriver start(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Flags for a sandboxed, offline machine: no background traffic to Google's hosts.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile);
        // The page's console (script errors, failed requests) goes into a failure's message.
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        return new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .build(),
                options);
    }
}
