package io.paperalerts.registration;

import static io.paperalerts.registration.RegistrationHarness.link;
import static io.paperalerts.registration.RegistrationHarness.paper;
import static io.paperalerts.registration.RegistrationHarness.unsubscribeLink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;

/**
 * The subscribe page in a real browser (headless Chromium driven by Selenium) against the whole
 * system: fill the form, see the preview, submit, confirm from the email, get an alert, unsubscribe.
 *
 * <p>Needs Chromium: see {@link Chromium}.
 */
class SubscribePageBrowserTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    static Path stateDir;

    @TempDir
    static Path profile;

    private static RegistrationHarness system;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        Chromium.assumeInstalled();
        system = new RegistrationHarness(kafka, smtp, stateDir, Map.of());
        system.publishSamplePapers();
        browser = Chromium.start(profile);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (system != null) {
            system.close();
        }
    }

    private static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    /** Waits for the text, and says what the page showed instead if it never came. */
    private static void awaitText(String css, String expected) {
        try {
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> text(css).contains(expected));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "'" + expected + "' never appeared in " + css + "; the page at "
                            + browser.getCurrentUrl() + " shows:\n"
                            + browser.findElement(By.tagName("body")).getText()
                            + "\nits console:\n"
                            + browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                                    .map(LogEntry::toString)
                                    .collect(Collectors.joining("\n")),
                    e);
        }
    }

    @Test
    void shouldShowTheWayToSubscribeAboveTheFoldOfAPhoneAndEmailAManageLinkFromTheFrontPage() throws Exception {
        // Given a phone-sized window (375 px) on the front page, its lists of papers loaded
        browser.manage().window().setSize(new Dimension(375, 740));
        try {
            browser.get(system.url("/"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !browser.findElements(By.cssSelector("#recent-list li"))
                            .isEmpty());
            JavascriptExecutor js = (JavascriptExecutor) browser;

            // Then the links to the subscribe and manage forms are above the fold
            for (String link : List.of("#jump a[href='#subscribe-heading']", "#jump a[href='#manage-heading']")) {
                Number bottom = (Number) js.executeScript(
                        "return document.querySelector(arguments[0])" + ".getBoundingClientRect().bottom", link);
                assertThat(bottom.doubleValue())
                        .as(link)
                        .isLessThan(((Number) js.executeScript("return window.innerHeight")).doubleValue());
            }
            // And no select cuts the text of any of its options
            @SuppressWarnings("unchecked")
            List<String> cut = (List<String>) js.executeScript("""
                    const canvas = document.createElement('canvas').getContext('2d');
                    const cut = [];
                    for (const select of document.querySelectorAll('select')) {
                      const style = getComputedStyle(select);
                      canvas.font = style.font;
                      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
                      for (const option of select.options) {
                        const width = canvas.measureText(option.text).width;
                        if (width > room) {
                          cut.push(select.id + ': ' + option.text + ' (' + Math.round(width) + ' px in ' + Math.round(room)
                              + ' px; window ' + window.innerWidth + ' px)');
                        }
                      }
                    }
                    return cut;""");
            assertThat(cut).isEmpty();

            // When the manage link is asked for on the front page
            browser.findElement(By.cssSelector("#jump a[href='#manage-heading']"))
                    .click();
            browser.findElement(By.id("manage-email")).sendKeys("web-manager@example.org");
            browser.findElement(By.id("manage")).click();

            // Then the page says it is on its way, and it comes
            awaitText("#manage-message", "If web-manager@example.org has subscriptions");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !smtp.messagesTo("web-manager@example.org").isEmpty());
            assertThat(link(smtp.messagesTo("web-manager@example.org").get(0), "/manage"))
                    .contains("/manage?token=");
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    @Test
    void shouldFollowAPapersAuthorsFromTheFrontPageToAConfirmedSubscription() throws Exception {
        // Given the recorded day of Hugging Face papers, with their authors and upvotes
        List<Paper> day = system.publishRecordedDailyPapers();
        await().atMost(Duration.ofSeconds(30)).until(() -> system.server.recentPapers() >= 67 + day.size());

        // When the front page is opened, it leads with the day's most upvoted papers
        browser.get(system.url("/"));
        awaitText("#trending-day", "2026-06-12");
        List<WebElement> trending = browser.findElements(By.cssSelector("#trending-list li"));
        assertThat(trending).hasSize(10);
        // (the script is served as UTF-8: its middle dot is not a replacement character)
        assertThat(trending.get(0).getText()).contains("EvoArena", "\u00b7 118 upvotes");
        assertThat(trending.get(1).getText()).contains("MiniMax Sparse Attention", "103 upvotes");
        assertThat(browser.findElements(By.cssSelector("#recent-list li"))).isNotEmpty();

        // And "alert me when papers like this trend" pre-fills its title words and the upvote filter,
        // and the preview shows what that would have matched
        trending.get(1).findElement(By.cssSelector("button.alert-trend")).click();
        assertThat(browser.findElement(By.id("query")).getAttribute("value")).endsWith("upvotes:>=10");
        awaitText("#preview-list", "MiniMax Sparse Attention");

        // When "follow these authors" of the top paper is pressed
        trending.get(0).findElement(By.cssSelector("button.follow-authors")).click();

        // Then the query names its first authors, and the preview shows the paper
        String query = browser.findElement(By.id("query")).getAttribute("value");
        assertThat(query).startsWith("author:\"Jundong Xu\" OR author:\"Qingchuan Li\"");
        awaitText("#preview-list", "EvoArena");

        // When the address is given and the form submitted, then confirmed from the email
        browser.findElement(By.id("email")).sendKeys("web-follower@example.org");
        browser.findElement(By.id("subscribe")).click();
        awaitText("#message", "confirmation link");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !smtp.messagesTo("web-follower@example.org").isEmpty());
        browser.get(link(smtp.messagesTo("web-follower@example.org").get(0), "/confirm"));
        browser.findElement(By.id("confirm")).click();
        awaitText("#result", "active");

        // Then the subscription is active with the authors' query
        assertThat(system.streams.subscriptionsOf("web-follower@example.org"))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.getStatus()).isEqualTo(SubscriptionStatus.ACTIVE);
                    assertThat(s.getQuery()).isEqualTo(query);
                    assertThat(s.getTrendingTop()).isNull();
                });
    }

    @Test
    void shouldSubscribeConfirmReceiveAnAlertAndUnsubscribeInTheBrowser() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> system.server.recentPapers() >= 67);

        // Given the subscribe page
        browser.get(system.url("/"));
        assertThat(browser.getTitle()).contains("paper-alerts");

        // When a query is typed, the preview lists matching recent papers
        browser.findElement(By.id("email")).sendKeys("web-ada@example.org");
        browser.findElement(By.id("query")).sendKeys("\"reward hacking\"");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !browser.findElements(By.cssSelector("#preview-list li"))
                        .isEmpty());
        assertThat(browser.findElements(By.cssSelector("#preview-list li")))
                .allSatisfy(item -> assertThat(item.getText()).containsIgnoringCase("reward"));

        // And an invalid query is explained next to the field
        browser.findElement(By.id("query")).sendKeys(" title:(");
        awaitText("#query-error", "unbalanced");
        browser.findElement(By.id("query")).sendKeys(")");
        browser.findElement(By.id("query")).clear();
        browser.findElement(By.id("query")).sendKeys("\"reward hacking\"");
        new Select(browser.findElement(By.id("delivery"))).selectByValue("instant");
        awaitText("#preview-status", "papers match");
        assertThat(text("#query-error")).isEmpty();

        // When the form is submitted
        browser.findElement(By.id("subscribe")).click();
        awaitText("#message", "confirmation link");

        // Then a confirmation email arrives; its link opens a page whose button confirms
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !smtp.messagesTo("web-ada@example.org").isEmpty());
        browser.get(link(smtp.messagesTo("web-ada@example.org").get(0), "/confirm"));
        browser.findElement(By.id("confirm")).click();
        awaitText("#result", "active");
        List<Subscription> mine = system.streams.subscriptionsOf("web-ada@example.org");
        assertThat(mine).singleElement().extracting(Subscription::getStatus).isEqualTo(SubscriptionStatus.ACTIVE);

        // And a matching paper is emailed
        system.publish(paper("web-p1", "Reward hacking, seen in a browser test"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> smtp.messagesTo("web-ada@example.org").size() == 2);
        MimeMessage alert = smtp.messagesTo("web-ada@example.org").get(1);

        // When the unsubscribe link of the alert is opened and its button pressed
        browser.get(unsubscribeLink(alert));
        browser.findElement(By.id("unsubscribe")).click();
        awaitText("#result", "unsubscribed");

        // Then the subscription has ended
        assertThat(system.streams.subscription(mine.get(0).getId()))
                .get()
                .extracting(Subscription::getStatus)
                .isEqualTo(SubscriptionStatus.CANCELLED);
    }
}
