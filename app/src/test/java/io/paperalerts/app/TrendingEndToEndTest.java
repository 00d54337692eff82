package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.schemas.TrendingDay;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.time.MovableClock;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
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
 * Trending subscriptions and the upvote filter through the whole pipeline: the recorded Hugging
 * Face daily papers response served on loopback and polled by {@code ingest once}, a real broker,
 * the streams service, the notifier and a real SMTP server. The digest clock is simulated.
 */
class TrendingEndToEndTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    static Path dir;

    private static final String DAY = "2026-06-12";
    /** Two hours before the digest hour of the day after the recorded one. */
    private static final MovableClock clock = MovableClock.at(Instant.parse("2026-06-13T06:00:00Z"));

    private static HuggingFaceFeed feed;
    private static AlertStreamsService streams;
    private static AlertNotifier notifier;

    @BeforeAll
    static void startServices() throws Exception {
        feed = new HuggingFaceFeed(dir);
        Subscription ada = subscription("t-ada", "ada@example.org", "", DeliveryMode.DAILY);
        ada.setTrendingTop(5);
        kafka.produce(Topics.SUBSCRIPTIONS, ada.getId(), ada);
        Subscription carol =
                subscription("k-carol", "carol@example.org", "\"defect grounding\" upvotes:>=20", DeliveryMode.INSTANT);
        kafka.produce(Topics.SUBSCRIPTIONS, carol.getId(), carol);
        Subscription bob = subscription("k-bob", "bob@example.org", "robust", DeliveryMode.INSTANT);
        kafka.produce(Topics.SUBSCRIPTIONS, bob.getId(), bob);
        streams = new AlertStreamsService(
                        new StreamsServiceConfig(Map.of(
                                CommonConfig.BOOTSTRAP_SERVERS,
                                kafka.bootstrapServers(),
                                StreamsServiceConfig.STATE_DIR,
                                dir.resolve("streams").toString(),
                                StreamsServiceConfig.DAILY_HOUR,
                                8,
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
                                        dir.resolve("notifier").toString())),
                        new AlertNotifier.Listener() {})
                .start();
        streams.awaitRunning(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopServices() {
        notifier.close();
        streams.close();
        feed.close();
    }

    private static Subscription subscription(String id, String email, String query, DeliveryMode mode) {
        return Subscription.newBuilder()
                .setId(id)
                .setEmail(email)
                .setQuery(query)
                .setDelivery(mode)
                .setStatus(SubscriptionStatus.ACTIVE)
                .setCreated(Instant.parse("2026-06-01T00:00:00Z"))
                .build();
    }

    /** Serves the response, polls it once with the ingest command, and waits until the ranking of the day shows the count. */
    private static void poll(byte[] body, String paperId, int upvotes) {
        feed.poll(body, kafka.bootstrapServers());
        // Positive control: the ranking is written by the same task, in the same transaction, as
        // the alerts of that paper record, so once it shows the update every alert of it is out.
        await().atMost(Duration.ofSeconds(30)).until(() -> upvotesOn(paperId) == upvotes);
    }

    private static int upvotesOn(String paperId) {
        List<ConsumerRecord<String, TrendingDay>> days = kafka.readToEnd(Topics.PAPERS_TRENDING).stream()
                .filter(r -> r.key().equals(DAY))
                .toList();
        if (days.isEmpty()) {
            return -1;
        }
        return days.get(days.size() - 1).value().getPapers().stream()
                .filter(p -> p.getId().equals(paperId))
                .map(Paper::getUpvotes)
                .findFirst()
                .orElse(-1);
    }

    private static List<Alert> alertsTo(String recipient) {
        return kafka.readToEnd(Topics.ALERTS).stream()
                .filter(r -> r.key().equals(recipient))
                .map(ConsumerRecord::value)
                .toList();
    }

    private static String text(MimeMessage message) throws Exception {
        return (String) ((MimeMultipart) message.getContent()).getBodyPart(0).getContent();
    }

    @Test
    void shouldSendTheFiveMostUpvotedPapersOfTheDayInOrderAndAlertEachMatchOnlyOnce() throws Exception {
        // Given the recorded day polled three times, its upvotes changing between polls:
        // 2606.12303 rises from 12 to 200, 2606.13681 falls from 118 to 60, 2606.06113 goes 12 -> 25 -> 30
        poll(HuggingFaceDays.withUpvotes(Map.of("2606.06113", 12)), "2606.06113", 12);
        assertThat(alertsTo("carol@example.org"))
                .as("12 upvotes: below carol's filter")
                .isEmpty();
        int bobAlerts = alertsTo("bob@example.org").size();
        assertThat(bobAlerts).as("robust papers of the day").isGreaterThanOrEqualTo(2);

        poll(
                HuggingFaceDays.withUpvotes(Map.of("2606.06113", 25, "2606.12303", 200, "2606.13681", 60)),
                "2606.06113",
                25);
        assertThat(alertsTo("carol@example.org")).singleElement().satisfies(alert -> {
            assertThat(alert.getPaper().getId()).isEqualTo("2606.06113");
            assertThat(alert.getPaperByReference()).isTrue();
        });
        // the paper it names, as it was when it alerted, is the last one stored
        assertThat(kafka.readToEnd(Topics.PAPERS_ALERTED).stream()
                        .filter(r -> r.key().equals("2606.06113"))
                        .map(r -> r.value().getUpvotes())
                        .reduce((earlier, later) -> later))
                .contains(25);

        poll(
                HuggingFaceDays.withUpvotes(Map.of("2606.06113", 30, "2606.12303", 200, "2606.13681", 60)),
                "2606.06113",
                30);
        assertThat(alertsTo("carol@example.org")).as("30 upvotes: nothing more").hasSize(1);
        assertThat(alertsTo("bob@example.org")).as("updates alert nobody again").hasSize(bobAlerts);
        assertThat(smtp.messagesTo("ada@example.org"))
                .as("nothing before the digest hour")
                .isEmpty();

        // When the digest hour of the next day comes
        clock.set(Instant.parse("2026-06-13T08:00:01Z"));

        // Then the trending subscriber gets the day's top five by their latest counts, in order, with counts
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !smtp.messagesTo("ada@example.org").isEmpty());
        MimeMessage digest = smtp.messagesTo("ada@example.org").get(0);
        assertThat(digest.getSubject()).isEqualTo("[paper-alerts] Trending on 2026-06-12: the 5 most upvoted papers");
        assertThat(digest.getHeader("X-Paper-Ids")[0].split(" "))
                .containsExactly("2606.12303", "2606.13392", "2606.08063", "2606.13681", "2606.06113");
        assertThat(text(digest))
                .containsSubsequence(
                        "#1 trending on 2026-06-12",
                        "200 upvotes",
                        "#2 trending on 2026-06-12",
                        "103 upvotes",
                        "#3",
                        "74 upvotes",
                        "#4",
                        "60 upvotes",
                        "#5",
                        "30 upvotes");

        // And the keyword subscribers got one email each, every paper once
        await().atMost(Duration.ofSeconds(30))
                .until(() -> smtp.messagesTo("carol@example.org").size() == 1
                        && smtp.messagesTo("bob@example.org").size() == 1);
        assertThat(smtp.messagesTo("carol@example.org").get(0).getHeader("X-Paper-Ids")[0])
                .isEqualTo("2606.06113");
        assertThat(smtp.messagesTo("bob@example.org")
                        .get(0)
                        .getHeader("X-Paper-Ids")[0]
                        .split(" "))
                .hasSize(bobAlerts);
        assertThat(kafka.readToEnd(Topics.DIGESTS).stream().filter(r -> r.key().equals("ada@example.org")))
                .hasSize(1);
    }
}
