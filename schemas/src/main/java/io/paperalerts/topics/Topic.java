package io.paperalerts.topics;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Utils;

/**
 * One topic of the catalogue: its name, the serdes of its keys and values, and how it is created.
 *
 * @param configs topic-level configs applied at creation (cleanup policy, retention)
 */
public record Topic<K, V>(
        String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, Map<String, String> configs) {

    public Topic {
        configs = Map.copyOf(configs);
    }

    public boolean compacted() {
        return configs.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, "").contains(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    public NewTopic newTopic(short replicationFactor) {
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }

    /** Assigns {@code consumer} every partition of this topic, to read all of it outside any group. */
    public List<TopicPartition> assignAll(Consumer<?, ?> consumer) {
        List<TopicPartition> partitions = consumer.partitionsFor(name).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        return partitions;
    }

    /**
     * The partition Kafka's default partitioner gives {@code key} in this topic (murmur2 of the
     * serialized key): what a topic co-partitioned with this one uses for records it keys otherwise.
     */
    public int partitionOf(K key) {
        return Utils.toPositive(Utils.murmur2(keySerde.serializer().serialize(name, key))) % partitions;
    }

    @Override
    public String toString() {
        return name;
    }
}
