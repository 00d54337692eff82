package io.paperalerts.testing;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.local.EmbeddedKafkaBroker;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for one test class: Testcontainers' {@code apache/kafka} container where a
 * Docker engine answers, Kafka's own KRaft broker inside the test JVM otherwise (set
 * {@code -Dpaperalerts.test.kafka=embedded|container} to choose). Registered as a static
 * {@code @RegisterExtension} field it serves the whole class; as an instance field, each test gets
 * a fresh broker. The catalogue's topics exist before the first test.
 */
public final class RealKafka implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    public static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

    private static final Map<String, Object> PRODUCER = Map.of(ProducerConfig.ACKS_CONFIG, "all");
    private static final Map<String, Object> READ_COMMITTED = Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);

    private AutoCloseable broker;
    private String bootstrapServers;
    private KafkaClients clients;
    private Admin admin;

    private boolean perTest;

    @Override
    public void beforeAll(ExtensionContext context) {
        startBroker();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (broker == null) {
            perTest = true;
            startBroker();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (perTest) {
            stopBroker();
        }
    }

    private void startBroker() {
        if (useContainer()) {
            KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
            container.start();
            broker = container;
            bootstrapServers = container.getBootstrapServers();
        } else {
            EmbeddedKafkaBroker embedded = EmbeddedKafkaBroker.start();
            broker = embedded;
            bootstrapServers = embedded.bootstrapServers();
        }
        clients = KafkaClients.of(bootstrapServers);
        admin = clients.admin();
        TopicProvisioner.createMissing(admin, Topics.ALL, (short) 1);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stopBroker();
    }

    private void stopBroker() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    private static boolean useContainer() {
        String choice = System.getProperty("paperalerts.test.kafka", "auto");
        return switch (choice) {
            case "embedded" -> false;
            case "container" -> true;
            default -> DockerClientFactory.instance().isDockerAvailable();
        };
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Admin admin() {
        return admin;
    }

    /** The factory's clients of this broker, as the services build theirs. */
    public KafkaClients clients() {
        return clients;
    }

    public <K, V> void produce(Topic<K, V> topic, K key, V value) {
        produce(topic, null, key, value);
    }

    /** @param partition where the record goes, as a service that picks it writes it; null: by key */
    public <K, V> void produce(Topic<K, V> topic, Integer partition, K key, V value) {
        try (var producer = clients.producer(
                PRODUCER, topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), partition, key, value))
                    .get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("Cannot produce to " + topic, e);
        }
    }

    /** Writes raw bytes, e.g. a poison record no serde would produce. */
    public void produceBytes(Topic<?, ?> topic, byte[] key, byte[] value) {
        try (var producer = clients.producer(PRODUCER, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("Cannot produce to " + topic, e);
        }
    }

    /**
     * Reads {@code topic} from the beginning, {@code read_committed}, until at least {@code atLeast}
     * records arrived or {@code timeout} passed, and returns all records read.
     */
    public <K, V> List<ConsumerRecord<K, V>> read(Topic<K, V> topic, int atLeast, Duration timeout) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (var consumer = clients.consumer(
                READ_COMMITTED,
                topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = topic.assignAll(consumer);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * Everything on {@code topic} up to its end at the time of the call, {@code read_committed}: no
     * waiting, so "nothing more" is checked exactly once the writer has finished (a producer that
     * returned, a backfill command that exited, a consumer group that committed past a marker).
     */
    public <K, V> List<ConsumerRecord<K, V>> readToEnd(Topic<K, V> topic) {
        return readToEnd(clients, topic);
    }

    /** {@link #readToEnd(Topic)} on any cluster. */
    public static <K, V> List<ConsumerRecord<K, V>> readToEnd(String bootstrapServers, Topic<K, V> topic) {
        return readToEnd(KafkaClients.of(bootstrapServers), topic);
    }

    /** {@link #readToEnd(Topic)} with any clients (a secured cluster's). */
    public static <K, V> List<ConsumerRecord<K, V>> readToEnd(KafkaClients clients, Topic<K, V> topic) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (var consumer = clients.consumer(
                READ_COMMITTED,
                topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = topic.assignAll(consumer);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                        records.add(r);
                    }
                });
            }
        }
        return records;
    }

    /** Sum over partitions of a topic's end offsets (transaction markers included): where a caught-up group commits. */
    public long endOffsets(Topic<?, ?> topic) {
        try {
            var partitions =
                    admin
                            .describeTopics(List.of(topic.name()))
                            .allTopicNames()
                            .get()
                            .get(topic.name())
                            .partitions()
                            .stream()
                            .collect(Collectors.toMap(
                                    p -> new TopicPartition(topic.name(), p.partition()), p -> OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get().values().stream()
                    .mapToLong(o -> o.offset())
                    .sum();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("Cannot read the end offsets of " + topic, e);
        }
    }

    /** Sum over partitions of the offsets a consumer group committed on a topic (0 if none). */
    public long committedOffsets(String groupId, Topic<?, ?> topic) {
        try {
            return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic.name()) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("Cannot read offsets of group " + groupId, e);
        }
    }
}
