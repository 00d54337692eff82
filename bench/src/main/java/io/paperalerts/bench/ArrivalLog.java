package io.paperalerts.bench;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.topics.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic {@code read_committed} from its end at creation, as a subscriber of the pipeline
 * would see it, and keeps when each (recipient, paper) pair first appeared on it (or, for runs of
 * millions of alerts, only how many arrived each second).
 */
final class ArrivalLog<V> implements AutoCloseable {

    private static final int MAX_SECONDS = 7_200;

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topic<String, V> topic;
    private final Function<V, List<String>> paperIds;
    private final boolean keepPairs;
    private final Map<String, Long> firstArrival = new ConcurrentHashMap<>();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong pairCount = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong omitted = new AtomicLong();
    private final ToLongFunction<V> omittedOf;
    private final AtomicLongArray perSecond = new AtomicLongArray(MAX_SECONDS);
    private final Thread thread;
    private final long startMs;
    private volatile boolean running = true;

    /** @param paperIds the papers of a record; {@code null} to count records, one pair each, without reading them */
    ArrivalLog(
            String bootstrap,
            Topic<String, V> topic,
            Function<V, List<String>> paperIds,
            boolean keepPairs,
            long startMs) {
        this(bootstrap, topic, paperIds, v -> 0, keepPairs, startMs);
    }

    /** @param omittedOf papers a record counts without listing them (a digest over its size limit) */
    ArrivalLog(
            String bootstrap,
            Topic<String, V> topic,
            Function<V, List<String>> paperIds,
            ToLongFunction<V> omittedOf,
            boolean keepPairs,
            long startMs) {
        this.omittedOf = omittedOf;
        this.topic = topic;
        this.paperIds = paperIds;
        this.keepPairs = keepPairs;
        this.startMs = startMs;
        this.consumer = KafkaClients.of(bootstrap)
                .consumer(
                        Map.of(
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed",
                                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                                2_000),
                        new StringDeserializer(),
                        new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                .map(p -> new TopicPartition(topic.name(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.thread = new Thread(this::run, "arrivals-" + topic.name());
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        var deserializer = topic.valueSerde().deserializer();
        while (running) {
            var batch = consumer.poll(Duration.ofMillis(100));
            long now = System.currentTimeMillis();
            for (var record : batch) {
                records.incrementAndGet();
                if (paperIds == null) {
                    // Counting only: not decoding leaves the CPU to what is measured.
                    pairCount.incrementAndGet();
                    continue;
                }
                V value = deserializer.deserialize(record.topic(), record.value());
                if (value == null) {
                    continue;
                }
                List<String> ids = paperIds.apply(value);
                omitted.addAndGet(omittedOf.applyAsLong(value));
                pairCount.addAndGet(ids.size());
                int second = (int) Math.min(MAX_SECONDS - 1, Math.max(0, (now - startMs) / 1000));
                perSecond.addAndGet(second, ids.size());
                if (keepPairs) {
                    for (String id : ids) {
                        if (firstArrival.putIfAbsent(record.key() + "|" + id, now) != null) {
                            duplicates.incrementAndGet();
                        }
                    }
                }
            }
        }
        consumer.close();
    }

    Long arrival(String recipient, String paperId) {
        return firstArrival.get(recipient + "|" + paperId);
    }

    /** Pairs seen (each occurrence counted). */
    long pairs() {
        return pairCount.get();
    }

    /** Papers counted but not listed, over all records. */
    long omitted() {
        return omitted.get();
    }

    long records() {
        return records.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    /** Pairs that arrived in each second since the start, up to {@code seconds}. */
    long[] perSecond(int seconds) {
        long[] out = new long[Math.min(seconds, MAX_SECONDS)];
        for (int i = 0; i < out.length; i++) {
            out[i] = perSecond.get(i);
        }
        return out;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
