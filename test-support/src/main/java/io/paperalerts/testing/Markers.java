package io.paperalerts.testing;

import io.paperalerts.topics.Topic;

/**
 * Keys for positive controls. A check that nothing (more) arrived proves something only once a
 * record that must arrive after it did: one on the same partition as the record that should have
 * no effect, so the same task handles it afterwards, in order.
 */
public final class Markers {

    private Markers() {}

    /** The first {@code prefix + n} (n = 0, 1, ...) that Kafka's default partitioner puts beside {@code key} in {@code topic}. */
    public static String besides(Topic<String, ?> topic, String key, String prefix) {
        return onPartition(topic, topic.partitionOf(key), prefix);
    }

    /** The first {@code prefix + n} (n = 0, 1, ...) that Kafka's default partitioner puts on {@code partition}. */
    public static String onPartition(Topic<String, ?> topic, int partition, String prefix) {
        for (int n = 0; ; n++) {
            String candidate = prefix + n;
            if (topic.partitionOf(candidate) == partition) {
                return candidate;
            }
        }
    }

    /** Like {@link #besides} for an email address: {@code local-n@domain}. */
    public static String addressBesides(Topic<String, ?> topic, String address, String local, String domain) {
        String found = besides(topic, address, local + "-");
        return found + "@" + domain;
    }
}
