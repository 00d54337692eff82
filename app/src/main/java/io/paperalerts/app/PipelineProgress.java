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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells whether a consumer group has caught up with a topic, from the broker's own bookkeeping:
 * the group's committed offsets against the topic's last stable offsets.
 */
final class PipelineProgress {

    private final Admin admin;

    PipelineProgress(Admin admin) {
        this.admin = admin;
    }

    /** @return how many committed records of {@code topic} the group has not yet committed past */
    long lag(String groupId, Topic<?, ?> topic) {
        try {
            Set<TopicPartition> partitions = admin.describeTopics(Set.of(topic.name())).allTopicNames().get()
                    .get(topic.name()).partitions().stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition()))
                    .collect(Collectors.toSet());
            Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                    .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
            var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            long lag = 0;
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata position = committed.get(partition);
                long end = ends.get(partition).offset();
                lag += Math.max(0, end - (position == null ? 0 : position.offset()));
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading progress", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the progress of " + groupId + ": " + e.getCause(), e);
        }
    }
}
