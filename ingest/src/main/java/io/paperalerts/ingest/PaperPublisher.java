package io.paperalerts.ingest;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.schemas.Paper;
import io.paperalerts.topics.Topics;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes papers keyed by their canonical id with an idempotent producer (acks=all), input that
 * is not a paper to {@code papers.rejected}, and source checkpoints. {@link #flush()} reports any send that failed.
 */
public final class PaperPublisher implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    public PaperPublisher(IngestConfig config) {
        this(new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(CommonConfig.BOOTSTRAP_SERVERS),
                ProducerConfig.CLIENT_ID_CONFIG, config.getString(IngestConfig.CLIENT_ID),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"),
                new ByteArraySerializer(), new ByteArraySerializer()));
    }

    PaperPublisher(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    public void publish(Paper paper) {
        var topic = Topics.PAPERS;
        byte[] key = topic.keySerde().serializer().serialize(topic.name(), paper.getId());
        byte[] value = topic.valueSerde().serializer().serialize(topic.name(), paper);
        producer.send(new ProducerRecord<>(topic.name(), key, value), counting(published));
    }

    public void reject(String source, String position, String reason, byte[] payload) {
        producer.send(DeadLetters.record(Topics.PAPERS_REJECTED, source, position, reason, payload), counting(rejected));
    }

    public void checkpoint(String source, String value) {
        var topic = Topics.INGEST_CHECKPOINTS;
        producer.send(new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(), source),
                topic.valueSerde().serializer().serialize(topic.name(), value)), counting(new AtomicLong()));
    }

    /** Waits for every send so far; throws if any failed, since then papers may be missing. */
    public void flush() {
        producer.flush();
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new IllegalStateException("Publishing failed: " + failure.getMessage(), failure);
        }
    }

    public long published() {
        return published.get();
    }

    public long rejected() {
        return rejected.get();
    }

    private Callback counting(AtomicLong counter) {
        return (metadata, exception) -> {
            if (exception == null) {
                counter.incrementAndGet();
            } else {
                firstFailure.compareAndSet(null, exception);
            }
        };
    }

    @Override
    public void close() {
        producer.close();
    }
}
