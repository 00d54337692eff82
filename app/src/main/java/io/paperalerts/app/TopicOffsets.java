package io.paperalerts.app;

import io.paperalerts.topics.Topic;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** The partitions of a catalogue topic and their offsets, as the broker reports them. */
final class TopicOffsets {

    private TopicOffsets() {}

    static Set<TopicPartition> partitions(Admin admin, Topic<?, ?> topic)
            throws InterruptedException, ExecutionException {
        return admin.describeTopics(Set.of(topic.name())).allTopicNames().get().get(topic.name()).partitions().stream()
                .map(p -> new TopicPartition(topic.name(), p.partition()))
                .collect(Collectors.toSet());
    }

    /** The offset each partition has for {@code spec} (latest, or for a timestamp: -1 if none). */
    static Map<TopicPartition, Long> offsets(
            Admin admin, Set<TopicPartition> partitions, OffsetSpec spec, IsolationLevel isolation)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> request =
                partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec));
        return admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}
