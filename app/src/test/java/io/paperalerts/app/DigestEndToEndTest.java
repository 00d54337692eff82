package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.testing.Markers;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.time.MovableClock;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

    private static final String GRACE_CONTROL =
            Markers.addressBesides(Topics.ALERTS, "grace@example.org", "grace-control", "example.org");
    private static final String HENRY_CONTROL =
            Markers.addressBesides(Topics.ALERTS, "henry@example.org", "henry-control", "example.org");

    /** Saturday 2026-11-28, 10:00 UTC. */
    private static final MovableClock clock = MovableClock.at(Instant.parse("2026-11-28T10:00:00Z"));

    private static AlertStreamsService streams;
    private static AlertNotifier notifier;

    @BeforeAll
    static void startServices() throws Exception {
        subscribe("d-ada", "ada@example.org", "reward", DeliveryMode.INSTANT, "UTC");
        subscribe("d-grace", "grace@example.org", "protein", DeliveryMode.DAILY, "America/New_York");
        subscribe("d-henry", "henry@example.org", "neutrino", DeliveryMode.INSTANT, "UTC");
        // Positive controls, on the same partitions of alerts as Grace and Henry (so the same task
        // decides their digests): a digest of theirs going out proves the check ran at that time.
        subscribe("d-grace-control", GRACE_CONTROL, "zebrafish", DeliveryMode.DAILY, "America/Halifax");
        subscribe("d-henry-control", HENRY_CONTROL, "axolotl", DeliveryMode.INSTANT, "UTC");
        streams = new AlertStreamsService(
                        new StreamsServiceConfig(Map.of(
                                CommonConfig.BOOTSTRAP_SERVERS,
                                kafka.bootstrapServers(),
                                StreamsServiceConfig.STATE_DIR,
                                stateDir.toString(),
                                StreamsServiceConfig.DAILY_HOUR,
                                8,
                                StreamsServiceConfig.MAX_EMAILS_PER_HOUR,
                                2,
                                StreamsServiceConfig.CHECK_INTERVAL_MS,
                                100L)),
                        clock)
                .start();
        notifier = new AlertNotifier(
                        new NotifierConfig(Map.of(
                                CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                                MailConfig.SMTP_HOST, smtp.host(),
                                MailConfig.SMTP_PORT, smtp.port(),
                                // its own delivery record: test classes run in two JVMs at once
                                NotifierConfig.STATE_DIR,
                                        stateDir.resolve("notifier").toString())),
                        new AlertNotifier.Listener() {})
                .start();
        streams.awaitRunning(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopServices() {
        notifier.close();
        streams.close();
    }

    private static void subscribe(String id, String email, String query, DeliveryMode mode, String zone) {
        kafka.produce(
                Topics.SUBSCRIPTIONS,
                id,
                Subscription.newBuilder()
                        .setId(id)
                        .setEmail(email)
                        .setQuery(query)
                        .setDelivery(mode)
                        .setTimezone(zone)
                        .setStatus(SubscriptionStatus.ACTIVE)
                        .setCreated(Instant.now())
                        .build());
    }

    private static void publish(String id, String title) {
        kafka.produce(
                Topics.PAPERS,
                id,
                Paper.newBuilder()
                        .setId(id)
                        .setTitle(title)
                        .setAbstractText("")
                        .setSource("test")
                        .build());
    }

    /** Waits until the streams service holds the recipient's matches in pending digests. */
    private static void awaitGathered(String recipient, int papers) {
        await().atMost(Duration.ofSeconds(30)).until(() -> streams.pendingPapers(recipient) == papers);
    }

    private static List<String> paperIds(MimeMessage email) throws Exception {
        return List.of(email.getHeader("X-Paper-Ids")[0].split(" "));
    }

    /** The digests emitted so far for one recipient, read up to the end (read_committed). */
    private static List<Digest> digestsTo(String recipient) {
        return kafka.readToEnd(Topics.DIGESTS).stream()
                .filter(r -> r.key().equals(recipient))
                .map(ConsumerRecord::value)
                .toList();
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

        // Then one email lists both: its digest is the only one emitted for her
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !smtp.messagesTo("ada@example.org").isEmpty());
        assertThat(digestsTo("ada@example.org")).hasSize(1);
        MimeMessage email = smtp.messagesTo("ada@example.org").get(0);
        assertThat(email.getSubject()).isEqualTo("[paper-alerts] 2 new papers for \u201creward\u201d");
        assertThat(paperIds(email)).containsExactly("i-1", "i-2");
    }

    @Test
    void shouldSendAPaperBeforeTheDailyHourTheSameDayAndOneAfterItTheNextDay() throws Exception {
        // Given a paper for Grace (New York, digests at 08:00 = 13:00 UTC) at 05:00 her time, and
        // one for her control (Halifax, digests at 08:00 there = 12:00 UTC)
        clock.set(Instant.parse("2026-11-29T10:00:00Z"));
        publish("d-1", "Protein folding with diffusion");
        publish("c-1", "Zebrafish regeneration");
        awaitGathered("grace@example.org", 1);
        awaitGathered(GRACE_CONTROL, 1);

        // When it is 07:59 in New York: the control's digest goes out, Grace's does not
        clock.set(Instant.parse("2026-11-29T12:59:00Z"));
        awaitEmails(GRACE_CONTROL, 1);
        assertThat(digestsTo("grace@example.org")).isEmpty();

        // Then at 08:00 the same day her digest holds the paper of 05:00
        clock.set(Instant.parse("2026-11-29T13:00:01Z"));
        awaitEmails("grace@example.org", 1);
        MimeMessage today = smtp.messagesTo("grace@example.org").get(0);
        assertThat(today.getSubject())
                .isEqualTo("[paper-alerts] Daily digest, 2026-11-29: 1 paper for \u201cprotein\u201d");
        assertThat(paperIds(today)).containsExactly("d-1");

        // When a paper arrives just after 08:00, it waits for the next day's digest
        publish("d-2", "Protein design benchmarks");
        publish("c-2", "Zebrafish fins");
        awaitGathered("grace@example.org", 1);
        awaitGathered(GRACE_CONTROL, 1);
        clock.set(Instant.parse("2026-11-30T12:59:00Z"));
        awaitEmails(GRACE_CONTROL, 2);
        assertThat(digestsTo("grace@example.org")).hasSize(1);
        clock.set(Instant.parse("2026-11-30T13:00:01Z"));
        awaitEmails("grace@example.org", 2);
        MimeMessage tomorrow = smtp.messagesTo("grace@example.org").get(1);
        assertThat(tomorrow.getSubject())
                .isEqualTo("[paper-alerts] Daily digest, 2026-11-30: 1 paper for \u201cprotein\u201d");
        assertThat(paperIds(tomorrow)).containsExactly("d-2");

        // And a day without matches sends her nothing, while the control's day does
        publish("c-3", "Zebrafish hearts");
        awaitGathered(GRACE_CONTROL, 1);
        clock.set(Instant.parse("2026-12-01T13:00:01Z"));
        awaitEmails(GRACE_CONTROL, 3);
        assertThat(digestsTo("grace@example.org")).hasSize(2);
        assertThat(smtp.messagesTo("grace@example.org")).hasSize(2);
    }

    @Test
    void shouldHoldEmailsOverTheHourlyLimitAndSendThemTogetherLater() throws Exception {
        // Given Henry got the two emails his hour allows
        for (int i = 1; i <= 2; i++) {
            publish("h-" + i, "Neutrino masses, part " + i);
            awaitGathered("henry@example.org", 1);
            clock.advance(Duration.ofSeconds(61));
            awaitEmails("henry@example.org", i);
        }

        // When two more papers arrive in separate windows within the hour
        publish("h-3", "Neutrino oscillations");
        awaitGathered("henry@example.org", 1);
        clock.advance(Duration.ofSeconds(61));
        publish("h-4", "Neutrino detectors");
        awaitGathered("henry@example.org", 2);
        clock.advance(Duration.ofSeconds(61));

        // Then they wait, while his control's window, closed after theirs, goes out
        int controlBefore = smtp.messagesTo(HENRY_CONTROL).size();
        publish("hc-" + controlBefore, "Axolotl limbs");
        awaitGathered(HENRY_CONTROL, 1);
        clock.advance(Duration.ofSeconds(61));
        awaitEmails(HENRY_CONTROL, controlBefore + 1);
        assertThat(digestsTo("henry@example.org")).hasSize(2);

        // And go out in one email once the hour has passed
        clock.advance(Duration.ofHours(1));
        awaitEmails("henry@example.org", 3);
        assertThat(paperIds(smtp.messagesTo("henry@example.org").get(2))).containsExactly("h-3", "h-4");
    }

    private static void awaitEmails(String recipient, int count) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> smtp.messagesTo(recipient).size() >= count);
        assertThat(smtp.messagesTo(recipient)).hasSize(count);
    }
}
