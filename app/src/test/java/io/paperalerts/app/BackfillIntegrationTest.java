package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.ingest.FileIngestor;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.ingest.file.JsonlPaperReader;
import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
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

/** {@code paper-alerts backfill} over the sample papers, on a real broker, notifier and SMTP server. */
class BackfillIntegrationTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    private static final String QUERY = "GRPO OR \"reward model\"";
    private static AlertNotifier notifier;
    private static AlertStreamsService streams;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void publishPapersAndStartTheNotifier() throws Exception {
        try (var publisher = new PaperPublisher(
                        new IngestConfig(Map.of(CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers())));
                InputStream sample = samplePapers()) {
            assertThat(new FileIngestor(publisher).ingest(sample, "sample").published())
                    .isEqualTo(67);
        }
        subscribe("bf-new", "newcomer@example.org", SubscriptionStatus.ACTIVE);
        subscribe("bf-old", "oldtimer@example.org", SubscriptionStatus.ACTIVE);
        subscribe("bf-pending", "pending@example.org", SubscriptionStatus.PENDING);
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
        streams = RankingRelay.start(kafka, stateDir.resolve("streams"));
    }

    @AfterAll
    static void stopNotifier() {
        notifier.close();
        streams.close();
    }

    private static InputStream samplePapers() {
        return BackfillIntegrationTest.class.getResourceAsStream("/io/paperalerts/app/" + DemoCommand.SAMPLE_PAPERS);
    }

    private static void subscribe(String id, String email, SubscriptionStatus status) {
        kafka.produce(
                Topics.SUBSCRIPTIONS,
                id,
                Subscription.newBuilder()
                        .setId(id)
                        .setEmail(email)
                        .setQuery(QUERY)
                        .setDelivery(DeliveryMode.DAILY)
                        .setStatus(status)
                        .setCreated(Instant.now())
                        .build());
    }

    /** The oracle: the matcher run directly over the sample file. */
    private static List<String> expectedPaperIds() throws Exception {
        SubscriptionMatcher matcher = new SubscriptionMatcher();
        matcher.update(
                "q",
                Subscription.newBuilder()
                        .setId("q")
                        .setEmail("x@example.org")
                        .setQuery(QUERY)
                        .setStatus(SubscriptionStatus.ACTIVE)
                        .setCreated(Instant.now())
                        .build());
        try (InputStream sample = samplePapers()) {
            return JsonlPaperReader.readAll(sample, "sample").stream()
                    .map(e -> ((PaperEntry.Parsed) e).paper())
                    .filter(p -> !matcher.match(p).isEmpty())
                    .map(Paper::getId)
                    .toList();
        }
    }

    private static List<String> paperIds(MimeMessage email) throws Exception {
        return List.of(email.getHeader("X-Paper-Ids")[0].split(" "));
    }

    @Test
    void shouldEmailANewSubscriberTheMatchingPapersInOneDigestOnceAndNobodyElse() throws Exception {
        List<String> expected = expectedPaperIds();
        assertThat(expected).hasSizeBetween(3, 50);

        // When the newcomer's subscriptions are backfilled over a period that covers every sample
        // paper's date (2023 to 2026; a paper is chosen by its date, not by when it was ingested)
        Cli run = Cli.run(
                "backfill",
                "--email",
                "Newcomer@Example.org",
                "--days",
                "1500",
                "--bootstrap-servers",
                kafka.bootstrapServers());

        // Then exactly the matching papers arrive, in one email
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("67 papers read", expected.size() + " matching", "1 digest sent");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !smtp.messagesTo("newcomer@example.org").isEmpty());
        MimeMessage email = smtp.messagesTo("newcomer@example.org").get(0);
        assertThat(paperIds(email)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(email.getSubject())
                .isEqualTo("[paper-alerts] " + expected.size() + " papers from the last 1500 days for \u201c" + QUERY
                        + "\u201d");

        // When the same backfill runs again
        long skippedBefore = notifier.alreadyDelivered();
        Cli again = Cli.run(
                "backfill",
                "--subscription",
                "bf-new",
                "--days",
                "1500",
                "--bootstrap-servers",
                kafka.bootstrapServers());
        assertThat(again.exitCode()).as(again.err()).isZero();

        // Then nothing more is sent, and the other subscriber of the same query got nothing at all
        await().atMost(Duration.ofSeconds(30))
                .until(() -> notifier.alreadyDelivered() == skippedBefore + expected.size());
        assertThat(smtp.messagesTo("newcomer@example.org")).hasSize(1);
        assertThat(smtp.messagesTo("oldtimer@example.org")).isEmpty();
    }

    @Test
    void shouldPrintWhatWouldBeSentAndSendNothingOnADryRun() throws Exception {
        List<String> expected = expectedPaperIds();
        int digestsBefore = kafka.readToEnd(Topics.DIGESTS_BACKFILL).size();

        Cli run = Cli.run(
                "backfill",
                "--subscription",
                "bf-old",
                "--since",
                "2023-01-01",
                "--dry-run",
                "--bootstrap-servers",
                kafka.bootstrapServers());

        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String id : expected) {
            assertThat(run.out()).contains("oldtimer@example.org " + id + " ");
        }
        assertThat(run.out()).contains("Dry run", "nothing was sent");
        // The command has returned: anything it wrote is on the topic by now.
        assertThat(kafka.readToEnd(Topics.DIGESTS_BACKFILL)).hasSize(digestsBefore);
        assertThat(smtp.messagesTo("oldtimer@example.org")).isEmpty();
    }

    @Test
    void shouldRefuseAnUnknownAddressAPendingSubscriptionAndAMissingPeriod() {
        Cli unknown = Cli.run(
                "backfill",
                "--email",
                "nobody@example.org",
                "--days",
                "7",
                "--bootstrap-servers",
                kafka.bootstrapServers());
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("--email: no active subscription for nobody@example.org");

        Cli pending = Cli.run(
                "backfill",
                "--subscription",
                "bf-pending",
                "--days",
                "7",
                "--bootstrap-servers",
                kafka.bootstrapServers());
        assertThat(pending.exitCode()).isNotZero();
        assertThat(pending.err()).contains("'bf-pending' is pending, not active");

        Cli noPeriod = Cli.run("backfill", "--email", "newcomer@example.org");
        assertThat(noPeriod.exitCode()).isNotZero();
        assertThat(noPeriod.err()).contains("Missing required argument").contains("--since", "--days");
    }
}
