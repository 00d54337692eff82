package io.paperalerts.app;

import io.paperalerts.topics.Topic;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

/**
 * Moves a stopped consumer group back to the first record of a topic at or after a time, so the
 * service reprocesses from there when it starts again. What was already delivered or alerted is
 * not repeated: the notifier keeps a delivery record and the streams service a record of alerts.
 */
final class ConsumerGroupRewind {

    private ConsumerGroupRewind() {}

    /**
     * Waits until no member is in the group: a stopped service leaves at once, a crashed one when
     * its session ends. With {@code force}, removes the members instead (static ones included):
     * for an operator who knows the processes are gone.
     *
     * @throws IllegalStateException if members remain after {@code wait}
     */
    static void awaitNoMembers(Admin admin, String groupId, Duration wait, boolean force, PrintWriter out)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean told = false;
        while (true) {
            ConsumerGroupDescription group;
            try {
                group = admin.describeConsumerGroups(List.of(groupId))
                        .all()
                        .get()
                        .get(groupId);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    return;
                }
                throw new IllegalStateException(
                        "cannot describe group '" + groupId + "': "
                                + e.getCause().getMessage(),
                        e);
            }
            if (group.members().isEmpty()) {
                return;
            }
            String members = group.members().stream()
                    .map(m -> m.groupInstanceId().map(id -> id + " ").orElse("") + m.clientId() + m.host())
                    .collect(Collectors.joining(", "));
            if (force) {
                out.printf(
                        "Removing %d member(s) of group '%s' (--force): %s%n",
                        group.members().size(), groupId, members);
                out.flush();
                try {
                    admin.removeMembersFromConsumerGroup(groupId, new RemoveMembersFromConsumerGroupOptions())
                            .all()
                            .get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(
                            "cannot remove the members of '" + groupId + "': "
                                    + e.getCause().getMessage(),
                            e);
                }
                force = false;
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("consumer group '" + groupId + "' still has members after "
                        + wait.toSeconds() + " s (" + members + "): stop the service first, or add --force if "
                        + "these processes are gone");
            }
            if (!told) {
                out.printf(
                        "Waiting up to %d s for group '%s' to have no members (%s); a crashed member's session "
                                + "ends within group.session.timeout.ms%n",
                        wait.toSeconds(), groupId, members);
                out.flush();
                told = true;
            }
            Thread.sleep(500);
        }
    }

    /** @return the new offset of each partition */
    static Map<TopicPartition, Long> rewind(Admin admin, String groupId, Topic<?, ?> topic, Instant from)
            throws InterruptedException {
        try {
            var partitions = TopicOffsets.partitions(admin, topic);
            var atTime = TopicOffsets.offsets(
                    admin, partitions, OffsetSpec.forTimestamp(from.toEpochMilli()), IsolationLevel.READ_UNCOMMITTED);
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
                throw new IllegalStateException(
                        "consumer group '" + groupId + "' is running: stop the service first", e);
            }
            throw new IllegalStateException(
                    "cannot rewind '" + groupId + "' on " + topic + ": "
                            + e.getCause().getMessage(),
                    e);
        }
    }
}
