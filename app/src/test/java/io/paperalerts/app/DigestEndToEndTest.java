package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.testing.MutableClock;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instant windows and daily digests through the whole pipeline: papers on a real broker, Kafka
 * Streams gathering digests, the notifier, a real SMTP server. The digest clock is simulated, so
 * a day passes in seconds; everything else runs on real time.
 */
class DigestEndToEndTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    static Path stateDir;

    /** Saturday 2026-11-28, 10:00 UTC. */
    private static final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    private static AlertStreamsService streams;
    private static AlertNotifier notifier;

    @BeforeAll
    static void startServices() throws Exception {
        subscribe("d-ada", "ada@example.org", "reward", DeliveryMode.INSTANT, "UTC");
        subscribe("d-grace", "grace@example.org", "protein", DeliveryMode.DAILY, "America/New_York");
        subscribe("d-henry", "henry@example.org", "neutrino", DeliveryMode.INSTANT, "UTC");
        streams = new AlertStreamsService(new StreamsServiceConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                StreamsServiceConfig.STATE_DIR, stateDir.toString(),
                StreamsServiceConfig.DAILY_HOUR, 8,
                StreamsServiceConfig.MAX_EMAILS_PER_HOUR, 2,
                StreamsServiceConfig.CHECK_INTERVAL_MS, 100L)), clock).start();
        notifier = new AlertNotifier(new NotifierConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                NotifierConfig.SMTP_HOST, smtp.host(),
                NotifierConfig.SMTP_PORT, smtp.port())), new AlertNotifier.Listener() { }).start();
        streams.awaitRunning(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopServices() {
        notifier.close();
        streams.close();
    }

    private static void subscribe(String id, String email, String query, DeliveryMode mode, String zone) {
        kafka.produce(Topics.SUBSCRIPTIONS, id, Subscription.newBuilder().setId(id).setEmail(email).setQuery(query)
                .setDelivery(mode).setTimezone(zone).setStatus(SubscriptionStatus.ACTIVE)
                .setCreated(Instant.now()).build());
    }

    private static void publish(String id, String title) {
        kafka.produce(Topics.PAPERS, id, Paper.newBuilder().setId(id).setTitle(title).setAbstractText("")
                .setSource("test").build());
    }

    /** Waits until the streams service holds the recipient's matches in pending digests. */
    private static void awaitGathered(String recipient, int papers) {
        await().atMost(Duration.ofSeconds(30)).until(() -> streams.pendingPapers(recipient) == papers);
    }

    private static List<String> paperIds(MimeMessage email) throws Exception {
        return List.of(email.getHeader("X-Paper-Ids")[0].split(" "));
    }

    @Test
    void shouldSendOneEmailListingBothPapersWhenTwoMatchWithinTheInstantWindow() throws Exception {
        // Given two papers for Ada arriving within the one-minute window
        publish("i-1", "Reward models at scale");
        publish("i-2", "Reward hacking, revisited");
        awaitGathered("ada@example.org", 2);
        assertThat(smtp.messagesTo("ada@example.org")).isEmpty();

        // When the window closes
        clock.advance(Duration.ofSeconds(61));

        // Then one email lists both
        await().atMost(Duration.ofSeconds(30)).until(() -> !smtp.messagesTo("ada@example.org").isEmpty());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> smtp.messagesTo("ada@example.org").size() == 1);
        MimeMessage email = smtp.messagesTo("ada@example.org").get(0);
        assertThat(email.getSubject()).isEqualTo("[paper-alerts] 2 new papers: Reward models at scale and more");
        assertThat(paperIds(email)).containsExactly("i-1", "i-2");
    }

    @Test
    void shouldSendOneDailyDigestAtTheConfiguredHourAndNoneForADayWithoutMatches() throws Exception {
        // Given papers for Grace's daily subscription over her day (New York, digests at 08:00),
        // from 05:00 there (the clock only moves forward, whatever the other tests did)
        clock.set(Instant.parse("2026-11-29T10:00:00Z"));
        publish("d-1", "Protein folding with diffusion");
        clock.advance(Duration.ofHours(3));
        publish("d-2", "Protein design benchmarks");
        awaitGathered("grace@example.org", 2);

        // When the clock reaches 07:59 in New York the next day, nothing has been sent
        Instant eightInNewYork = Instant.parse("2026-11-30T13:00:00Z");
        clock.set(eightInNewYork.minusSeconds(60));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> smtp.messagesTo("grace@example.org").isEmpty());

        // Then at 08:00 one digest holds the day's two papers
        clock.set(eightInNewYork.plusSeconds(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> !smtp.messagesTo("grace@example.org").isEmpty());
        MimeMessage digest = smtp.messagesTo("grace@example.org").get(0);
        assertThat(digest.getSubject()).isEqualTo("[paper-alerts] Daily digest, 2026-11-30: 2 papers");
        assertThat(paperIds(digest)).containsExactly("d-1", "d-2");

        // And a day without matches sends nothing
        clock.advance(Duration.ofDays(1));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> smtp.messagesTo("grace@example.org").size() == 1);
    }

    @Test
    void shouldHoldEmailsOverTheHourlyLimitAndSendThemTogetherLater() throws Exception {
        // Given Henry got the two emails his hour allows
        for (int i = 1; i <= 2; i++) {
            publish("h-" + i, "Neutrino masses, part " + i);
            awaitGathered("henry@example.org", 1);
            clock.advance(Duration.ofSeconds(61));
            int sent = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> smtp.messagesTo("henry@example.org").size() == sent);
        }

        // When two more papers arrive in separate windows within the hour
        publish("h-3", "Neutrino oscillations");
        awaitGathered("henry@example.org", 1);
        clock.advance(Duration.ofSeconds(61));
        publish("h-4", "Neutrino detectors");
        awaitGathered("henry@example.org", 2);
        clock.advance(Duration.ofSeconds(61));

        // Then they wait
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> smtp.messagesTo("henry@example.org").size() == 2);

        // And go out in one email once the hour has passed
        clock.advance(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.messagesTo("henry@example.org").size() == 3);
        assertThat(paperIds(smtp.messagesTo("henry@example.org").get(2))).containsExactly("h-3", "h-4");
    }
}
