package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static io.paperalerts.streams.TestData.paper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.Paper;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams service's failure policy on a real broker: a record whose processing throws (after
 * it was read fine) is set aside with its reason while the others go on, and records of one kind
 * failing again and again stop the service, which then reports why so its process exits non-zero.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProcessingFailureIntegrationTest {

    /** A fresh broker per test: each counts what is on the dead-letter topic. */
    @RegisterExtension
    final RealKafka kafka = new RealKafka();

    @TempDir
    Path stateDir;

    /** A matcher with a bug: every paper whose title mentions a boom throws. */
    private static final class BrokenForBooms extends SubscriptionMatcher {
        @Override
        public List<Match> match(Paper paper) {
            if (paper.getTitle().contains("[boom]")) {
                throw new IllegalStateException("matcher bug for " + paper.getId());
            }
            return super.match(paper);
        }
    }

    private AlertStreamsService service(int maxFailedRecords) {
        return new AlertStreamsService(
                new StreamsServiceConfig(Map.of(
                        CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                        StreamsServiceConfig.STATE_DIR, stateDir.toString(),
                        StreamsServiceConfig.FAILED_RECORDS_MAX, maxFailedRecords)),
                Clock.systemUTC(),
                new BrokenForBooms());
    }

    @Test
    void shouldDeadLetterARecordWhoseProcessingThrowsAndAlertTheNextOne() throws Exception {
        kafka.produce(Topics.SUBSCRIPTIONS, "s1", active("s1", "ada@example.org", "reward hacking"));
        try (var service = service(100).start()) {
            service.awaitRunning(Duration.ofSeconds(60));

            // When a paper that makes the topology throw arrives, then a good one with the same key
            kafka.produce(Topics.PAPERS, "p1", paper("p1", "Reward hacking [boom]", ""));
            kafka.produce(Topics.PAPERS, "p1", paper("p1", "Reward hacking in the wild", ""));

            // Then the good one is alerted, the bad one is on the dead-letter topic with the exception
            var alerts = kafka.read(Topics.ALERTS, 1, Duration.ofSeconds(60));
            assertThat(alerts).extracting(r -> r.value().getPaper().getId()).containsExactly("p1");
            assertThat(kafka.read(Topics.PAPERS_ALERTED, 1, Duration.ofSeconds(30)))
                    .extracting(r -> r.value().getTitle())
                    .containsExactly("Reward hacking in the wild");
            var dead = kafka.read(Topics.DEAD_LETTERS, 1, Duration.ofSeconds(30));
            assertThat(dead).hasSize(1);
            assertThat(DeadLetters.reason(dead.get(0).headers())).contains("matcher bug for p1");
            assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(service.terminated()).isNotDone();
        }
    }

    @Test
    void shouldStopAndSayWhyWhenRecordsOfOneKindKeepFailing() throws Exception {
        kafka.produce(Topics.SUBSCRIPTIONS, "s1", active("s1", "ada@example.org", "reward hacking"));
        try (var service = service(3).start()) {
            service.awaitRunning(Duration.ofSeconds(60));

            // When more papers of the failing kind arrive than the budget allows
            for (int i = 0; i < 6; i++) {
                kafka.produce(Topics.PAPERS, "b" + i, paper("b" + i, "Paper [boom] " + i, ""));
            }

            // Then the service stops itself with the reason, for its process to exit non-zero
            String reason = service.terminated().get(60, TimeUnit.SECONDS);
            assertThat(reason)
                    .contains("ERROR")
                    .contains("more records failed than 3 per 600 s")
                    .contains("matcher bug for b");
            await().atMost(Duration.ofSeconds(30)).until(() -> service.state() == KafkaStreams.State.ERROR);
            // Nothing was alerted. (Dead letters of the transaction that failed were aborted with it:
            // after a restart those records fail again, which is the point of stopping.)
            assertThat(kafka.readToEnd(Topics.ALERTS))
                    .extracting(ConsumerRecord::key)
                    .isEmpty();
            assertThat(kafka.readToEnd(Topics.DEAD_LETTERS))
                    .allSatisfy(r -> assertThat(DeadLetters.reason(r.headers())).contains("matcher bug"));
        }
    }
}
