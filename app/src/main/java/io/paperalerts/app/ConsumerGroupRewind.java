package io.paperalerts.app;

import io.paperalerts.topics.Topic;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

/**
 * Moves a stopped consumer group back to the first record of a topic at or after a time, so the
 * service reprocesses from there when it starts again. What was already delivered or alerted is
 * not repeated: the notifier keeps a delivery record and the streams service a record of alerts.
 */
final class ConsumerGroupRewind {

    private ConsumerGroupRewind() {
    }

    /** @return the new offset of each partition */
    static Map<TopicPartition, Long> rewind(Admin admin, String groupId, Topic<?, ?> topic, Instant from)
            throws InterruptedException {
        try {
            var partitions = TopicOffsets.partitions(admin, topic);
            var atTime = TopicOffsets.offsets(admin, partitions, OffsetSpec.forTimestamp(from.toEpochMilli()),
                    IsolationLevel.READ_UNCOMMITTED);
            var latest = TopicOffsets.offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            Map<TopicPartition, Long> result = new HashMap<>();
            for (TopicPartition partition : partitions) {
                long offset = atTime.get(partition);
                // -1: nothing at or after that time in this partition, so nothing to replay there.
                long target = offset < 0 ? latest.get(partition) : offset;
                offsets.put(partition, new OffsetAndMetadata(target));
                result.put(partition, target);
            }
            admin.alterConsumerGroupOffsets(groupId, offsets).all().get();
            return result;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupNotEmptyException || e.getCause() instanceof UnknownMemberIdException) {
                throw new IllegalStateException("consumer group '" + groupId + "' is running: stop the service first", e);
            }
            throw new IllegalStateException("cannot rewind '" + groupId + "' on " + topic + ": " + e.getCause().getMessage(), e);
        }
    }
}
