package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Operators' replays through the command line, on a real broker and SMTP server. */
class ReplayIntegrationTest {

    @RegisterExtension
    final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    Path stateDir;

    private static Paper paper(String id, String title) {
        return Paper.newBuilder().setId(id).setTitle(title).setAbstractText("").setSource("test").build();
    }

    private static Alert alert(String recipient, String paperId) {
        return Alert.newBuilder().setRecipient(recipient).setSubscriptionIds(List.of("s1")).setPaper(paper(paperId, "Paper " + paperId))
                .setReasons(List.of(MatchReason.newBuilder().setSubscriptionId("s1").setQuery("q").build()))
                .setMatchedAt(Instant.now()).setKind(AlertKind.LIVE).build();
    }

    private NotifierConfig notifierConfig() {
        return new NotifierConfig(Map.of(CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                NotifierConfig.SMTP_HOST, smtp.host(), NotifierConfig.SMTP_PORT, smtp.port()));
    }

    @Test
    void shouldSendOnlyTheAlertsLostInAnOutageWhenAlertsAreReplayed() throws Exception {
        // Given two alerts delivered, then an outage in which two more were consumed but never sent
        Instant before = Instant.now().minusSeconds(5);
        kafka.produce(Topics.ALERTS, "r1-ada@example.org", alert("r1-ada@example.org", "p1"));
        kafka.produce(Topics.ALERTS, "r1-ada@example.org", alert("r1-ada@example.org", "p2"));
        try (var notifier = new AlertNotifier(notifierConfig(), new AlertNotifier.Listener() { }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() == 2);
        }
        kafka.produce(Topics.ALERTS, "r1-ada@example.org", alert("r1-ada@example.org", "p3"));
        kafka.produce(Topics.ALERTS, "r1-ada@example.org", alert("r1-ada@example.org", "p4"));
        var partitions = kafka.admin().describeTopics(java.util.Set.of(Topics.ALERTS.name())).allTopicNames().get()
                .get(Topics.ALERTS.name()).partitions().stream().map(p -> new TopicPartition(Topics.ALERTS.name(), p.partition())).toList();
        var ends = kafka.admin().listOffsets(partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p,
                p -> org.apache.kafka.clients.admin.OffsetSpec.latest()))).all().get();
        kafka.admin().alterConsumerGroupOffsets("paper-alerts-notifier", partitions.stream().collect(
                java.util.stream.Collectors.toMap(p -> p, p -> new OffsetAndMetadata(ends.get(p).offset())))).all().get();

        // When the operator replays alerts from before the outage and starts the notifier again
        Cli run = Cli.run("replay", "alerts", "--from", before.toString(), "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(run.exitCode()).as(run.err()).isZero();
        try (var notifier = new AlertNotifier(notifierConfig(), new AlertNotifier.Listener() { }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() + notifier.alreadyDelivered() == 4);

            // Then only the two lost alerts are sent
            assertThat(notifier.delivered()).isEqualTo(2);
        }
        assertThat(smtp.messagesTo("r1-ada@example.org")).extracting(m -> m.getHeader("X-Paper-Id")[0])
                .containsExactlyInAnyOrder("p1", "p2", "p3", "p4");
    }

    @Test
    void shouldAlertOnlyNewMatchesWhenPapersAreReplayedAfterASubscriptionChanged() throws Exception {
        // Given a subscription that matched one of two papers
        Instant before = Instant.now().minusSeconds(5);
        kafka.produce(Topics.SUBSCRIPTIONS, "s1", subscription("reward"));
        var config = new StreamsServiceConfig(Map.of(CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                StreamsServiceConfig.STATE_DIR, stateDir.toString()));
        try (var streams = new AlertStreamsService(config).start()) {
            streams.awaitRunning(Duration.ofSeconds(60));
            kafka.produce(Topics.PAPERS, "p1", paper("p1", "Reward hacking"));
            kafka.produce(Topics.PAPERS, "p2", paper("p2", "Protein folding"));
            assertThat(kafka.read(Topics.ALERTS, 1, Duration.ofSeconds(30))).hasSize(1);
        }

        // When the subscription is broadened and the papers are replayed
        kafka.produce(Topics.SUBSCRIPTIONS, "s1", subscription("reward OR protein"));
        Cli run = Cli.run("replay", "papers", "--from", before.toString(), "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(run.exitCode()).as(run.err()).isZero();
        try (var streams = new AlertStreamsService(config).start()) {
            streams.awaitRunning(Duration.ofSeconds(60));

            // Then only the new match is alerted; the old one is not repeated
            kafka.read(Topics.ALERTS, 2, Duration.ofSeconds(30));
            List<ConsumerRecord<String, Alert>> alerts = kafka.read(Topics.ALERTS, 3, Duration.ofSeconds(3));
            assertThat(alerts).extracting(r -> r.value().getPaper().getId()).containsExactly("p1", "p2");
        }
    }

    @Test
    void shouldRefuseToRewindARunningServiceAndABadTimestamp() throws Exception {
        Cli bad = Cli.run("replay", "alerts", "--from", "yesterday", "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("--from: 'yesterday' is not a date");

        kafka.produce(Topics.ALERTS, "r3@example.org", alert("r3@example.org", "p9"));
        try (var notifier = new AlertNotifier(notifierConfig(), new AlertNotifier.Listener() { }).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> notifier.delivered() == 1);
            Cli running = Cli.run("replay", "alerts", "--from", "2026-01-01", "--bootstrap-servers", kafka.bootstrapServers());
            assertThat(running.exitCode()).isNotZero();
            assertThat(running.err()).contains("is running: stop the service first");
        }
    }

    private static Subscription subscription(String query) {
        return Subscription.newBuilder().setId("s1").setEmail("r2-ada@example.org").setQuery(query)
                .setDelivery(DeliveryMode.INSTANT).setStatus(SubscriptionStatus.ACTIVE).setCreated(Instant.now()).build();
    }
}
