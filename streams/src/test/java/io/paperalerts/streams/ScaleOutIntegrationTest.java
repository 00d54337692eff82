package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Several instances of the streams service on a real broker, with exactly-once, read_committed. */
@Timeout(180)
class ScaleOutIntegrationTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @TempDir
    Path stateDirs;

    private final List<Subscription> subscriptions = List.of(
            active("s1", "ada@example.org", "\"reward hacking\""),
            active("s2", "ada@example.org", "diffusion OR \"text-to-image\""),
            active("s3", "bob@example.org", "title:GRPO"));

    private AlertStreamsService instance(String name) {
        return new AlertStreamsService(new StreamsServiceConfig(Map.of(
                        CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                        StreamsServiceConfig.STATE_DIR, stateDirs.resolve(name).toString())))
                .start();
    }

    /** "recipient paper" for every alert the same matcher gives offline. */
    private static List<String> expectedAlerts(List<Subscription> subscriptions, List<Paper> papers) {
        SubscriptionMatcher matcher = new SubscriptionMatcher();
        subscriptions.forEach(s -> matcher.update(s.getId(), s));
        List<String> expected = new ArrayList<>();
        for (Paper paper : papers) {
            matcher.match(paper).stream()
                    .map(m -> m.subscription().getEmail())
                    .distinct()
                    .sorted()
                    .forEach(recipient -> expected.add(recipient + " " + paper.getId()));
        }
        return expected;
    }

    private static List<String> asPairs(List<ConsumerRecord<String, Alert>> alerts) {
        return alerts.stream()
                .map(r -> r.key() + " " + r.value().getPaper().getId())
                .toList();
    }

    private static int round;

    private static List<ConsumerRecord<String, Alert>> readAlerts() {
        return SampleAlerts.afterMarkers(kafka, ++round, 1, MARKER_RECIPIENT::equals);
    }

    private static final String MARKER_RECIPIENT = "markers@example.org";

    @Test
    void shouldShareTheWorkAndAlertEachMatchingRecipientExactlyOnceAcrossInstancesAndRestarts() throws Exception {
        // Given subscriptions, and two instances of the streams app sharing the papers' partitions
        subscriptions.forEach(s -> kafka.produce(Topics.SUBSCRIPTIONS, s.getId(), s));
        kafka.produce(Topics.SUBSCRIPTIONS, "markers", active("markers", MARKER_RECIPIENT, "xqzmarker"));
        List<String> expected = expectedAlerts(subscriptions, SampleAlerts.papers());
        assertThat(expected).hasSizeGreaterThan(10);
        try (var first = instance("first");
                var second = instance("second")) {
            first.awaitRunning(Duration.ofSeconds(60));
            second.awaitRunning(Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> first.activeTasks() > 0
                            && second.activeTasks() > 0
                            && first.activeTasks() + second.activeTasks()
                                    == Topics.PAPERS.partitions()
                                            + Topics.ALERTS.partitions()
                                            + AlertTopology.TRENDING_PARTITIONS);

            // When the sample papers are published
            SampleAlerts.publish(kafka);

            // Then each (recipient, paper) is alerted exactly once, whichever instance matched it
            assertThat(asPairs(readAlerts())).containsExactlyInAnyOrderElementsOf(expected);
        }

        // And a fresh instance with no local state rebuilds its matcher and its record of alerts
        // from Kafka: the same papers again alert only a subscription added since
        Subscription carol = active("s4", "carol@example.org", "robot*");
        kafka.produce(Topics.SUBSCRIPTIONS, carol.getId(), carol);
        try (var fresh = instance("fresh")) {
            fresh.awaitRunning(Duration.ofSeconds(60));
            SampleAlerts.publish(kafka);
            List<String> carolsAlerts = expectedAlerts(List.of(carol), SampleAlerts.papers());
            assertThat(carolsAlerts).isNotEmpty();
            List<String> all = new ArrayList<>(expected);
            all.addAll(carolsAlerts);
            assertThat(asPairs(readAlerts())).containsExactlyInAnyOrderElementsOf(all);
        }
    }
}
