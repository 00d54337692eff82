package io.paperalerts.notifier;

import io.paperalerts.topics.CompactedTopics;
import io.paperalerts.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * What was delivered, kept in the compacted {@code deliveries} topic (in the spirit of an outbox
 * message log): every (recipient, paper) an SMTP server accepted. The notifier checks it before
 * sending, so restarts, rebalances and replays of {@code alerts} never email a paper twice, and
 * reloads it when it is given partitions, since another instance may have delivered meanwhile.
 */
final class DeliveryLog implements AutoCloseable {

    private final List<String> bootstrapServers;
    private final Producer<String, String> producer;
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();

    DeliveryLog(List<String> bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        var topic = Topics.DELIVERIES;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"),
                topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    static String key(String recipient, String paperId) {
        return recipient + " " + paperId;
    }

    boolean contains(String recipient, String paperId) {
        return delivered.contains(key(recipient, paperId));
    }

    /** Records the papers of one email durably (acks=all) before its offset may be committed. */
    void record(String recipient, List<String> paperIds, String messageId) {
        String value = messageId + " " + Instant.now();
        List<Future<RecordMetadata>> sends = paperIds.stream()
                .map(id -> producer.send(new ProducerRecord<>(Topics.DELIVERIES.name(), key(recipient, id), value)))
                .toList();
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while recording the delivery of " + messageId, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot record the delivery of " + messageId + " to " + recipient + ": "
                    + e.getCause().getMessage(), e);
        }
        paperIds.forEach(id -> delivered.add(key(recipient, id)));
    }

    /** Reads the whole record back from Kafka. */
    void reload() {
        Set<String> pairs = CompactedTopics.latest(bootstrapServers, Topics.DELIVERIES).keySet();
        delivered.addAll(pairs);
        delivered.retainAll(pairs);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
