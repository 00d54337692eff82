package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code paper-alerts backfill} of a trending subscription over recorded Hugging Face days, on a
 * real broker, notifier and SMTP server.
 */
class TrendingBackfillTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    static Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();
    // Every paper of the class is dated from this one day, as the broker it shares is set up once.
    @SuppressWarnings("TimeInStaticInitializer")
    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    /** Four days of seven recorded papers each: 4, 3, 2 and 1 days ago. */
    private static final List<byte[]> DAYS = new ArrayList<>();

    private static AlertNotifier notifier;
    private static AlertStreamsService streams;

    @BeforeAll
    static void ingestFourDaysAndStartTheNotifier() throws Exception {
        try (HuggingFaceFeed feed = new HuggingFaceFeed(dir)) {
            for (int back = 4; back >= 1; back--) {
                int slice = 4 - back;
                byte[] day = HuggingFaceDays.slice(7 * slice, 7 * slice + 7, TODAY.minusDays(back), "261" + slice);
                DAYS.add(day);
                feed.poll(day, kafka.bootstrapServers());
            }
        }
        for (String who : List.of("erin", "frank")) {
            Subscription trending = Subscription.newBuilder()
                    .setId("t-" + who)
                    .setEmail(who + "@example.org")
                    .setQuery("")
                    .setTrendingTop(3)
                    .setDelivery(DeliveryMode.DAILY)
                    .setStatus(SubscriptionStatus.ACTIVE)
                    .setCreated(Instant.now())
                    .build();
            kafka.produce(Topics.SUBSCRIPTIONS, trending.getId(), trending);
        }
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
        streams = RankingRelay.start(kafka, dir.resolve("streams"));
    }

    @AfterAll
    static void stopNotifier() {
        notifier.close();
        streams.close();
    }

    /** The oracle: a day's three most upvoted, read straight from the served response. */
    private static List<String> topThree(byte[] day) throws Exception {
        List<JsonNode> papers = StreamSupport.stream(JSON.readTree(day).spliterator(), false)
                .map(item -> item.get("paper"))
                .filter(p -> p.get("upvotes").asInt() > 0)
                .sorted(Comparator.comparing((JsonNode p) -> -p.get("upvotes").asInt())
                        .thenComparing(p -> p.get("publishedAt").asText(), Comparator.reverseOrder())
                        .thenComparing(p -> p.get("id").asText()))
                .toList();
        return papers.subList(0, 3).stream().map(p -> p.get("id").asText()).toList();
    }

    @Test
    void shouldSendOneDigestWithTheTopOfEachOfTheThreeDaysAndNothingToAnybodyElse() throws Exception {
        List<String> expected = new ArrayList<>();
        for (byte[] day : DAYS.subList(1, 4)) {
            expected.addAll(topThree(day));
        }

        // When erin's subscriptions are backfilled over the last three days
        Cli run = Cli.run(
                "backfill",
                "--email",
                "erin@example.org",
                "--days",
                "3",
                "--bootstrap-servers",
                kafka.bootstrapServers());

        // Then one email lists the top three of each of those days, day by day, and not the day before
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("1 digest sent");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !smtp.messagesTo("erin@example.org").isEmpty());
        MimeMessage email = smtp.messagesTo("erin@example.org").get(0);
        assertThat(email.getHeader("X-Paper-Ids")[0].split(" ")).containsExactlyElementsOf(expected);
        assertThat(email.getSubject()).isEqualTo("[paper-alerts] 9 papers from the last 3 days for trending papers");
        // The command has returned: anything it wrote is on the topic by now, and it is erin's only,
        // forwarded as it is (a trending backfill keeps its upvote order)
        assertThat(kafka.readToEnd(Topics.DIGESTS_BACKFILL))
                .extracting(ConsumerRecord::key)
                .containsExactly("erin@example.org");
        assertThat(kafka.readToEnd(Topics.DIGESTS))
                .extracting(ConsumerRecord::key)
                .containsExactly("erin@example.org");
        assertThat(smtp.messagesTo("frank@example.org")).isEmpty();
    }
}
