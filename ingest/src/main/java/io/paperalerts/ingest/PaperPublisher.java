package io.paperalerts.ingest;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.schemas.Paper;
import io.paperalerts.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes papers keyed by their canonical id with an idempotent producer (acks=all), input that
 * is not a paper to {@code papers.rejected}, and source checkpoints.
 *
 * <p>Sends are grouped in {@link Batch}es (one per poll of a source), each of which knows whether
 * all of its own sends succeeded: a failed batch fails only its poll, and the next batch starts
 * clean, so a broker outage costs the polls during it and nothing after. A failure that is not
 * retriable (authorization, a producer in a fatal state) replaces the producer, since a fatal
 * producer refuses every later send.
 */
public final class PaperPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PaperPublisher.class);

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final AtomicReference<Producer<byte[], byte[]>> producer = new AtomicReference<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong renewals = new AtomicLong();
    private Batch current;
    private MeterRegistry registry;
    private KafkaClientMetrics clientMetrics;

    public PaperPublisher(IngestConfig config) {
        this(KafkaClients.of(config), config);
    }

    private PaperPublisher(KafkaClients clients, IngestConfig config) {
        this(() -> clients.producer(
                Map.of(
                        ProducerConfig.CLIENT_ID_CONFIG,
                        config.getString(IngestConfig.CLIENT_ID),
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        20,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "zstd",
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        config.getInt(IngestConfig.DELIVERY_TIMEOUT_MS),
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        Math.min(30_000, config.getInt(IngestConfig.DELIVERY_TIMEOUT_MS) / 2),
                        // A send waits this long at most for metadata or buffer space when the cluster is away.
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        Math.min(60_000, config.getInt(IngestConfig.DELIVERY_TIMEOUT_MS))),
                new ByteArraySerializer(),
                new ByteArraySerializer()));
    }

    /** @param producers makes a producer, at start and after a fatal error */
    public PaperPublisher(Supplier<Producer<byte[], byte[]>> producers) {
        this.producers = producers;
        this.producer.set(producers.get());
        this.current = new Batch();
    }

    /** A new group of sends whose outcome {@link Batch#await()} reports. */
    public Batch batch() {
        return new Batch();
    }

    /** Publishes in the publisher's own batch, which {@link #flush()} awaits. */
    public synchronized void publish(Paper paper) {
        current.publish(paper);
    }

    public synchronized void reject(String source, String position, String reason, byte[] payload) {
        current.reject(source, position, reason, payload);
    }

    public synchronized void checkpoint(String source, String value) {
        current.checkpoint(source, value);
    }

    /** Waits for the sends since the last flush; throws if any of them failed, since papers may then be missing. */
    public void flush() {
        Batch done;
        synchronized (this) {
            done = current;
            current = new Batch();
        }
        done.await();
    }

    public long published() {
        return published.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** Producers replaced after a fatal error. */
    public long renewals() {
        return renewals.get();
    }

    /** The producer's own metrics (of whichever producer is current) and its renewals, in the service's registry. */
    public synchronized void bindTo(MeterRegistry registry) {
        this.registry = registry;
        FunctionCounter.builder("paper.alerts.producer.renewals", renewals, AtomicLong::get)
                .description("Producers replaced after a fatal error")
                .register(registry);
        bindClientMetrics();
    }

    private void bindClientMetrics() {
        if (registry == null) {
            return;
        }
        if (clientMetrics != null) {
            clientMetrics.close();
        }
        clientMetrics = new KafkaClientMetrics(producer.get());
        clientMetrics.bindTo(registry);
    }

    private synchronized void renew(Producer<byte[], byte[]> broken, Exception cause) {
        if (producer.get() != broken) {
            return;
        }
        log.warn("The producer failed for good ({}); replacing it", cause.toString());
        producer.set(producers.get());
        renewals.incrementAndGet();
        broken.close(Duration.ZERO);
        bindClientMetrics();
    }

    @Override
    public synchronized void close() {
        if (clientMetrics != null) {
            clientMetrics.close();
        }
        producer.get().close();
    }

    /** Sends whose success is judged together: one poll of a source, or one file. */
    public final class Batch {

        private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        private Producer<byte[], byte[]> usedProducer;

        private Batch() {}

        public void publish(Paper paper) {
            var topic = Topics.PAPERS;
            byte[] key = topic.keySerde().serializer().serialize(topic.name(), paper.getId());
            byte[] value = topic.valueSerde().serializer().serialize(topic.name(), paper);
            send(new ProducerRecord<>(topic.name(), key, value), published);
        }

        public void reject(String source, String position, String reason, byte[] payload) {
            send(DeadLetters.record(Topics.PAPERS_REJECTED, source, position, reason, payload), rejected);
        }

        public void checkpoint(String source, String value) {
            var topic = Topics.INGEST_CHECKPOINTS;
            send(
                    new ProducerRecord<>(
                            topic.name(),
                            topic.keySerde().serializer().serialize(topic.name(), source),
                            topic.valueSerde().serializer().serialize(topic.name(), value)),
                    null);
        }

        private void send(ProducerRecord<byte[], byte[]> record, AtomicLong counter) {
            if (firstFailure.get() != null) {
                return; // the batch has failed already; its poll will be published again
            }
            usedProducer = producer.get();
            Callback callback = (metadata, exception) -> {
                if (exception == null) {
                    if (counter != null) {
                        counter.incrementAndGet();
                    }
                } else {
                    firstFailure.compareAndSet(null, exception);
                }
            };
            try {
                usedProducer.send(record, callback);
            } catch (KafkaException e) {
                // e.g. metadata not available within max.block.ms, or a producer in a fatal state
                firstFailure.compareAndSet(null, e);
            }
        }

        /** Waits for this batch's sends. @throws IllegalStateException naming the first failure */
        public void await() {
            Producer<byte[], byte[]> used = usedProducer;
            if (used != null) {
                try {
                    used.flush();
                } catch (KafkaException e) {
                    firstFailure.compareAndSet(null, e);
                }
            }
            Exception failure = firstFailure.get();
            if (failure != null) {
                if (IngestFailurePolicy.replacesProducer(failure) && used != null) {
                    renew(used, failure);
                }
                throw new IllegalStateException("Publishing failed: " + failure.getMessage(), failure);
            }
        }
    }
}
