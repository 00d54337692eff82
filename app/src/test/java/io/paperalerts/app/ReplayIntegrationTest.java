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
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.testing.Markers;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.ScriptedSmtpServer;
import io.paperalerts.testing.ScriptedSmtpServer.Reply;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Operators' replays through the command line, on a real broker and SMTP server. */
class ReplayIntegrationTest {

    @RegisterExtension
    final RealKafka kafka = new RealKafka();

    @TempDir
    Path stateDir;

    private static Paper paper(String id, String title) {
        return Paper.newBuilder()
                .setId(id)
                .setTitle(title)
                .setAbstractText("")
                .setSource("test")
                .build();
    }

    private NotifierConfig notifierConfig(int smtpPort) {
        return new NotifierConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS,
                kafka.bootstrapServers(),
                MailConfig.SMTP_HOST,
                "127.0.0.1",
                MailConfig.SMTP_PORT,
                smtpPort,
                // its own delivery record: test classes run in two JVMs at once
                NotifierConfig.STATE_DIR,
                stateDir.resolve("notifier").toString()));
    }

    /** A two-second window: papers produced together share one email. */
    private StreamsServiceConfig streamsConfig() {
        return new StreamsServiceConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS,
                kafka.bootstrapServers(),
                StreamsServiceConfig.STATE_DIR,
                stateDir.toString(),
                StreamsServiceConfig.INSTANT_WINDOW_MS,
                2_000L,
                StreamsServiceConfig.CHECK_INTERVAL_MS,
                100L));
    }

    @Test
    void shouldSendOnlyTheAlertsLostInAnOutageWhenAlertsAreReplayed() throws Exception {
        // Given a running pipeline whose mail server accepts Ada's first email, then refuses the next for good
        Instant before = Instant.now().minusSeconds(5);
        kafka.produce(Topics.SUBSCRIPTIONS, "s1", subscription("r1-ada@example.org", "reward"));
        try (var scripted = ScriptedSmtpServer.start();
                var notifier =
                        new AlertNotifier(notifierConfig(scripted.port()), new AlertNotifier.Listener() {}).start()) {
            try (var streams = new AlertStreamsService(streamsConfig()).start()) {
                streams.awaitRunning(Duration.ofSeconds(60));
                kafka.produce(Topics.PAPERS, "p1", paper("p1", "Reward one"));
                kafka.produce(Topics.PAPERS, "p2", paper("p2", "Reward two"));
                await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() == 2);

                // When an outage makes the email of the next two papers fail
                scripted.script("r1-ada@example.org", new Reply(554, "5.3.0 Mail system misconfigured"));
                kafka.produce(Topics.PAPERS, "p3", paper("p3", "Reward three"));
                kafka.produce(Topics.PAPERS, "p4", paper("p4", "Reward four"));
                await().atMost(Duration.ofSeconds(30)).until(() -> notifier.gaveUp() == 1);
            }

            // And the operator replays alerts from before it and starts streams again
            Cli run = Cli.run(
                    "replay", "alerts", "--from", before.toString(), "--bootstrap-servers", kafka.bootstrapServers());
            assertThat(run.exitCode()).as(run.err()).isZero();
            try (var streams = new AlertStreamsService(streamsConfig()).start()) {
                streams.awaitRunning(Duration.ofSeconds(60));

                // Then only the two lost papers are sent, in one email
                await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() == 4);
                // Positive control: the alerts of p1 and p2 precede those of p3 and p4 (one recipient,
                // one partition), so all were read again; once streams holds no open digest and the
                // notifier has committed every digest, whatever the replay gave has been handled
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> streams.pendingDigests() == 0
                                && kafka.committedOffsets("paper-alerts-notifier", Topics.DIGESTS)
                                        == kafka.endOffsets(Topics.DIGESTS));
                assertThat(notifier.alreadyDelivered()).isEqualTo(2);
            }
            assertThat(scripted.messagesTo("r1-ada@example.org"))
                    .extracting(m -> m.getHeader("X-Paper-Ids")[0])
                    .containsExactly("p1 p2", "p3 p4");
        }
    }

    @Test
    void shouldAlertOnlyNewMatchesWhenPapersAreReplayedAfterASubscriptionChanged() throws Exception {
        // Given a subscription that matched one of two papers
        Instant before = Instant.now().minusSeconds(5);
        kafka.produce(Topics.SUBSCRIPTIONS, "s1", subscription("r2-ada@example.org", "reward"));
        var config = streamsConfig();
        try (var streams = new AlertStreamsService(config).start()) {
            streams.awaitRunning(Duration.ofSeconds(60));
            kafka.produce(Topics.PAPERS, "p1", paper("p1", "Reward hacking"));
            kafka.produce(Topics.PAPERS, "p2", paper("p2", "Protein folding"));
            assertThat(kafka.read(Topics.ALERTS, 1, Duration.ofSeconds(30))).hasSize(1);
        }

        // When the subscription is broadened and the papers are replayed
        kafka.produce(Topics.SUBSCRIPTIONS, "s1", subscription("r2-ada@example.org", "reward OR protein"));
        Cli run = Cli.run(
                "replay", "papers", "--from", before.toString(), "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(run.exitCode()).as(run.err()).isZero();
        try (var streams = new AlertStreamsService(config).start()) {
            streams.awaitRunning(Duration.ofSeconds(60));

            // Then only the new match is alerted; the old one is not repeated. Positive control: a
            // marker behind each paper (same partition) alerts Ada too, so both were matched again.
            String behindP1 = Markers.besides(Topics.PAPERS, "p1", "marker-1-");
            String behindP2 = Markers.besides(Topics.PAPERS, "p2", "marker-2-");
            kafka.produce(Topics.PAPERS, behindP1, paper(behindP1, "Protein marker"));
            kafka.produce(Topics.PAPERS, behindP2, paper(behindP2, "Protein marker"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> kafka.readToEnd(Topics.ALERTS).size() >= 4);
            List<ConsumerRecord<String, Alert>> alerts = kafka.readToEnd(Topics.ALERTS);
            assertThat(alerts)
                    .extracting(r -> r.value().getPaper().getId())
                    .containsExactlyInAnyOrder("p1", "p2", behindP1, behindP2);
        }
    }

    @Test
    void shouldRefuseToRewindARunningServiceAndABadTimestamp() throws Exception {
        Cli bad = Cli.run("replay", "alerts", "--from", "yesterday", "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("--from: 'yesterday' is not a date");

        try (var streams = new AlertStreamsService(streamsConfig()).start()) {
            streams.awaitRunning(Duration.ofSeconds(60));
            Cli running = Cli.run(
                    "replay", "alerts", "--from", "2026-01-01", "--bootstrap-servers", kafka.bootstrapServers());
            assertThat(running.exitCode()).isNotZero();
            // A live member stays for as long as the replay waits for a crashed one to leave
            assertThat(running.err())
                    .contains(
                            "consumer group 'paper-alerts-streams' still has members after 15 s",
                            "stop the service first, or add --force if these processes are gone");
        }
    }

    private static Subscription subscription(String email, String query) {
        return Subscription.newBuilder()
                .setId("s1")
                .setEmail(email)
                .setQuery(query)
                .setDelivery(DeliveryMode.INSTANT)
                .setStatus(SubscriptionStatus.ACTIVE)
                .setCreated(Instant.now())
                .build();
    }
}
