package io.paperalerts.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.Topics;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Papers published the moment the catalogue's topics were created all arrive. Without waiting for
 * the new partitions to open, an idempotent producer's first batch to a partition can be refused,
 * a later one accepted, and the first then retried until it expires (KAFKA-15591): seen as a
 * two-minute stall and a failed ingest right after a fresh start. Each repetition gets a fresh broker.
 */
class FreshTopicsPublishingIntegrationTest {

    @RegisterExtension
    final RealKafka kafka = new RealKafka();

    @RepeatedTest(8)
    void shouldPublishEveryPaperToTopicsCreatedAMomentBefore() throws Exception {
        // Given a broker whose topics were just provisioned, and a producer that gives up after 10 s
        // rather than the default two minutes
        var producer = new KafkaProducer<>(
                Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        20,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        5_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        10_000),
                new ByteArraySerializer(),
                new ByteArraySerializer());

        // When the sample papers are published at once
        FileIngestor.Report report;
        try (var publisher = new PaperPublisher(() -> producer);
                InputStream sample = getClass().getResourceAsStream("/fixtures/hf-papers-page.jsonl")) {
            report = new FileIngestor(publisher).ingest(sample, "sample");
        }

        // Then every one was acknowledged and is on the topic
        assertThat(report.published()).isEqualTo(67);
        assertThat(kafka.read(Topics.PAPERS, 67, Duration.ofSeconds(10)))
                .extracting(ConsumerRecord::key)
                .doesNotHaveDuplicates()
                .hasSize(67);
    }
}
