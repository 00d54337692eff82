package io.paperalerts.app;

import io.paperalerts.topics.Topic;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
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
            Set<TopicPartition> partitions = TopicOffsets.partitions(admin, topic);
            var ends = TopicOffsets.offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            long lag = 0;
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata position = committed.get(partition);
                long end = ends.get(partition);
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
            Set<TopicPartition> partitions = TopicOffsets.partitions(admin, topic);
            var stable = TopicOffsets.offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
            var written = TopicOffsets.offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
            return partitions.stream().allMatch(p -> stable.get(p).equals(written.get(p)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading offsets", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the offsets of " + topic + ": " + e.getCause(), e);
        }
    }
}
