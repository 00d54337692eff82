package io.paperalerts.app;

import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.Topics;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

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
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get();
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

    /**
     * Whether everything ingested has gone all the way to the SMTP server, stage by stage in the
     * order data flows. Streams commits its input offsets in the same transaction as its output:
     * once an input shows no lag and no transaction is open on the output, the output is readable.
     * Alerts waiting for their instant window sit in the digest store until then. Asked twice in a
     * row, because a digest may be on its way from the store to the topic between two readings.
     */
    boolean quiet(
            StreamsServiceConfig streamsConfig,
            NotifierConfig notifierConfig,
            AlertStreamsService streams,
            DeliveryMode mode) {
        String streamsGroup = streamsConfig.getString(StreamsServiceConfig.APPLICATION_ID);
        String notifierGroup = notifierConfig.getString(NotifierConfig.GROUP_ID);
        try {
            return lag(streamsGroup, Topics.PAPERS) == 0
                    && settled(Topics.ALERTS)
                    && lag(streamsGroup, Topics.ALERTS) == 0
                    && (mode == null ? streams.pendingDigests() : streams.pendingDigests(mode)) == 0
                    && lag(streamsGroup, Topics.DIGESTS_BACKFILL) == 0
                    && settled(Topics.DIGESTS)
                    && lag(notifierGroup, Topics.DIGESTS) == 0;
        } catch (InvalidStateStoreException e) {
            // The store is between owners (a rebalance): ask again.
            return false;
        }
    }
}
