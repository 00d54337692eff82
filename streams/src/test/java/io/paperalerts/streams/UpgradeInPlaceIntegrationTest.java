package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static io.paperalerts.streams.TestData.paper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.mail.ShownPapers;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.time.MovableClock;
import io.paperalerts.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade to alerts by reference with a rolling restart, on a real broker, exactly-once, read
 * {@code read_committed}: alerts of the previous format (schema v5, whole papers) already on the
 * topic, in the digest buffers and in the archive are sent and shown beside the new ones, once.
 */
@Timeout(180)
class UpgradeInPlaceIntegrationTest {

    private static final String ADA = "ada@example.org";

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @TempDir
    Path stateDir;

    /** Saturday 10:00 UTC: the daily digest is due tomorrow at 08:00. */
    private final MovableClock clock = MovableClock.at(Instant.parse("2026-11-28T10:00:00Z"));

    private AlertStreamsService service(boolean alertsByReference) {
        return new AlertStreamsService(
                new StreamsServiceConfig(Map.of(
                        CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                        StreamsServiceConfig.STATE_DIR, stateDir.toString(),
                        StreamsServiceConfig.ALERTS_BY_REFERENCE, String.valueOf(alertsByReference))),
                clock);
    }

    @Test
    void shouldSendAndArchiveOldAndNewAlertsOnceAcrossTheTwoRollingRestartsOfAnUpgrade() throws Exception {
        // Given a daily subscription, and an alert the previous version wrote (schema v5, whole paper)
        Subscription daily = active("s1", ADA, "reward");
        daily.setDelivery(DeliveryMode.DAILY);
        kafka.produce(Topics.SUBSCRIPTIONS, "s1", daily);
        Paper old = paper("p-old", "Reward hacking, alerted before the upgrade", "Old.");
        kafka.produceBytes(
                Topics.ALERTS,
                ADA.getBytes(StandardCharsets.UTF_8),
                PreviousFormat.alert(TestData.alert(ADA, "s1", old, clock.instant())));

        // When the first rolling restart runs the new version writing whole papers, as the old one did
        Paper first = paper("p-first", "Reward hacking, during the upgrade", "First.");
        try (var service = service(false).start()) {
            service.awaitRunning(Duration.ofSeconds(60));
            kafka.produce(Topics.PAPERS, "p-first", first);
            awaitArchived(service, 2);
        }
        // and the second runs it with alerts by reference
        Paper second = paper("p-second", "Reward hacking, after the upgrade", "Second.");
        try (var service = service(true).start()) {
            service.awaitRunning(Duration.ofSeconds(60));
            kafka.produce(Topics.PAPERS, "p-second", second);

            // Then the alerts written are whole, whole, then by reference
            List<Alert> alerts = kafka.read(Topics.ALERTS, 3, Duration.ofSeconds(60)).stream()
                    .map(ConsumerRecord::value)
                    .toList();
            assertThat(alerts)
                    .extracting(a -> a.getPaper().getId(), Alert::getPaperByReference)
                    .containsExactly(tuple("p-old", false), tuple("p-first", false), tuple("p-second", true));

            // And the archive shows all three with their titles
            assertThat(awaitArchived(service, 3))
                    .extracting(a -> a.getPaper().getTitle())
                    .containsExactlyInAnyOrder(old.getTitle(), first.getTitle(), second.getTitle());

            // And the day's digest lists the three papers, in one email
            clock.advance(Duration.ofDays(1));
            List<Digest> digests = kafka.read(Topics.DIGESTS, 1, Duration.ofSeconds(60)).stream()
                    .map(ConsumerRecord::value)
                    .toList();
            assertThat(digests)
                    .singleElement()
                    .satisfies(digest -> assertThat(digest.getAlerts())
                            .extracting(Alert::getPaper)
                            .containsExactlyInAnyOrder(
                                    ShownPapers.of(old), ShownPapers.of(first), ShownPapers.of(second)));

            // And nothing is sent twice: the next day's digest (the positive control) has only its own paper
            Paper third = paper("p-third", "Reward hacking, the day after", "Third.");
            kafka.produce(Topics.PAPERS, "p-third", third);
            awaitArchived(service, 4);
            clock.advance(Duration.ofDays(1));
            List<Digest> all = kafka.read(Topics.DIGESTS, 2, Duration.ofSeconds(60)).stream()
                    .map(ConsumerRecord::value)
                    .toList();
            assertThat(all).hasSize(2);
            assertThat(all.get(1).getAlerts()).extracting(Alert::getPaper).containsExactly(ShownPapers.of(third));
        }
    }

    /** The subscription's archive page once it lists {@code entries} entries, whole. */
    private static List<Alert> awaitArchived(AlertStreamsService service, int entries) {
        return await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> service.read(ADA, "s1", 0, 10).entries(), page -> page.size() == entries);
    }
}
