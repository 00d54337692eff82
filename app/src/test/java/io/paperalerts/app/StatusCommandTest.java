package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code paper-alerts status} on a real broker: a clean system, and one with failures to show. */
class StatusCommandTest {

    @RegisterExtension
    final RealKafka kafka = new RealKafka();

    private void subscribe(String id, SubscriptionStatus status) {
        kafka.produce(
                Topics.SUBSCRIPTIONS,
                id,
                Subscription.newBuilder()
                        .setId(id)
                        .setEmail(id + "@example.org")
                        .setQuery("grpo")
                        .setStatus(status)
                        .setCreated(Instant.now())
                        .build());
    }

    private void fail(ProducerRecord<byte[], byte[]> record) throws Exception {
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(record).get();
        }
    }

    @Test
    void shouldSayNothingNeedsAttentionOnACleanSystemAndExitZero() {
        // Given subscriptions and papers, and no failure
        subscribe("s-1", SubscriptionStatus.ACTIVE);
        subscribe("s-2", SubscriptionStatus.ACTIVE);
        subscribe("s-3", SubscriptionStatus.PENDING);
        kafka.produce(
                Topics.PAPERS,
                "p-1",
                Paper.newBuilder().setId("p-1").setTitle("T").setSource("test").build());

        // When the status is asked for
        Cli run = Cli.run("status", "--bootstrap-servers", kafka.bootstrapServers());

        // Then it shows the topics and subscriptions, and exits 0
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern("papers\\s+1\\s+6")
                .contains("subscriptions: 2 active, 1 pending")
                .contains("paper-alerts.dead-letters: none", "Nothing needs attention.");
    }

    @Test
    void shouldShowTheNewestFailuresWithTheirReasonsAndExitNonZero() throws Exception {
        // Given a dead letter, a rejected paper and a failed delivery
        fail(DeadLetters.record("papers", "papers-2@17", "Unknown magic byte in a paper record", new byte[] {1}));
        fail(DeadLetters.record(
                Topics.PAPERS_REJECTED,
                "hf-daily https://hf.example/api",
                "entry 3",
                "missing title",
                "{}".getBytes(StandardCharsets.UTF_8)));
        fail(DeadLetters.record(
                Topics.DELIVERIES_FAILED, "notifier", "digests-0@4", "SMTP 550 5.1.1 No such user", new byte[] {2}));

        // When the status is asked for
        Cli run = Cli.run("status", "--bootstrap-servers", kafka.bootstrapServers());

        // Then each is shown with its reason, the dead letter needs attention, and it exits 1
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .contains(
                        "Unknown magic byte in a paper record",
                        "missing title",
                        "SMTP 550 5.1.1 No such user",
                        "Needs attention:",
                        "a dead letter in the last hour");

        // And --json says the same for scripts
        Cli json = Cli.run("status", "--json", "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(json.exitCode()).isEqualTo(1);
        JsonNode status = new ObjectMapper().readTree(json.out());
        assertThat(status.path("failures")
                        .path("papers.rejected")
                        .get(0)
                        .path("reason")
                        .asText())
                .isEqualTo("missing title");
        assertThat(status.path("attention")).hasSize(1);
    }

    @Test
    void shouldNeedAttentionForAGroupWithLagAndNoMember() throws Exception {
        // Given a group that read nothing of a partition with records, and left
        kafka.produce(
                Topics.PAPERS,
                "p-1",
                Paper.newBuilder().setId("p-1").setTitle("T").setSource("test").build());
        TopicPartition partition = new TopicPartition(Topics.PAPERS.name(), Topics.PAPERS.partitionOf("p-1"));
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "idle-group"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(0)));
        }

        // When the status is asked for
        Cli run = Cli.run("status", "--bootstrap-servers", kafka.bootstrapServers());

        // Then the group's lag needs attention
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .containsPattern("idle-group\\s+0\\s+1")
                .contains("group idle-group has a lag of 1 and no member to work it off");
    }
}
