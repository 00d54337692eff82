package io.paperalerts.app;

import io.paperalerts.topics.Topic;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
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
            Set<TopicPartition> partitions = partitions(topic);
            var ends = latest(partitions, IsolationLevel.READ_COMMITTED);
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

    /**
     * Whether no transaction is open on the topic. A transaction's commit becomes visible in the
     * consumer offsets before its markers reach every output partition, so "the input is
     * committed" alone does not yet mean "the output is readable".
     */
    boolean settled(Topic<?, ?> topic) {
        try {
            Set<TopicPartition> partitions = partitions(topic);
            var stable = latest(partitions, IsolationLevel.READ_COMMITTED);
            var written = latest(partitions, IsolationLevel.READ_UNCOMMITTED);
            return partitions.stream().allMatch(p -> stable.get(p).offset() == written.get(p).offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading offsets", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the offsets of " + topic + ": " + e.getCause(), e);
        }
    }

    private Set<TopicPartition> partitions(Topic<?, ?> topic) throws InterruptedException, ExecutionException {
        return admin.describeTopics(Set.of(topic.name())).allTopicNames().get()
                .get(topic.name()).partitions().stream()
                .map(p -> new TopicPartition(topic.name(), p.partition()))
                .collect(Collectors.toSet());
    }

    private Map<TopicPartition, ListOffsetsResultInfo> latest(
            Set<TopicPartition> partitions, IsolationLevel isolation) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all().get();
    }
}
