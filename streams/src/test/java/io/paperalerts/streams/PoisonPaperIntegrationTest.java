package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static io.paperalerts.streams.TestData.paper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.schemas.Alert;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The topology on a real broker with exactly-once, reading its output read_committed. */
class PoisonPaperIntegrationTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @TempDir
    Path stateDir;

    @Test
    void shouldDeadLetterGarbageWithAReasonWhileTheNextValidPaperStillProducesItsAlert() throws Exception {
        // Given a running pipeline with one subscription
        kafka.produce(Topics.SUBSCRIPTIONS, "s1", active("s1", "ada@example.org", "reward hacking"));
        var config = new StreamsServiceConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                StreamsServiceConfig.STATE_DIR, stateDir.toString()));
        try (var service = new AlertStreamsService(config).start()) {
            service.awaitRunning(Duration.ofSeconds(60));

            // When garbage bytes land on papers, followed by a valid matching paper with the same key
            kafka.produceBytes(
                    Topics.PAPERS,
                    "p1".getBytes(StandardCharsets.UTF_8),
                    "definitely not avro".getBytes(StandardCharsets.UTF_8));
            kafka.produce(Topics.PAPERS, "p1", paper("p1", "Reward hacking in the wild", "An RL study."));

            // Then the garbage is on the dead-letter topic, with the reason and origin
            var dead = kafka.read(Topics.DEAD_LETTERS, 1, Duration.ofSeconds(30));
            assertThat(dead).hasSize(1);
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("definitely not avro");
            assertThat(DeadLetters.reason(dead.get(0).headers()))
                    .contains("SerializationException")
                    .contains("Not a valid Avro single-object encoded Paper");
            assertThat(DeadLetters.source(dead.get(0).headers())).isEqualTo(Topics.PAPERS.name());

            // And the valid paper still gave its alert, committed exactly once, naming the paper
            // stored once in the papers table
            var alerts = kafka.read(Topics.ALERTS, 1, Duration.ofSeconds(30));
            assertThat(alerts).extracting(ConsumerRecord::key).containsExactly("ada@example.org");
            Alert alert = alerts.get(0).value();
            assertThat(alert.getPaperByReference()).isTrue();
            assertThat(alert.getPaper().getId()).isEqualTo("p1");
            var stored = kafka.read(Topics.PAPERS_ALERTED, 1, Duration.ofSeconds(30));
            assertThat(stored)
                    .extracting(r -> r.key(), r -> r.value().getTitle())
                    .containsExactly(tuple("p1", "Reward hacking in the wild"));
        }
    }
}
