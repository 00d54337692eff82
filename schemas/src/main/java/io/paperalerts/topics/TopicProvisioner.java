package io.paperalerts.topics;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the catalogue's topics that are missing (brokers must not auto-create them with wrong
 * settings) and returns once every partition of the catalogue accepts writes.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final Duration WRITABLE_TIMEOUT = Duration.ofSeconds(60);
    private static final long RETRY_BACKOFF_MS = 50;

    private TopicProvisioner() {}

    /**
     * @return the names of the topics this call created
     * @throws IllegalStateException if a topic cannot be created or does not become writable
     */
    public static Set<String> createMissing(Admin admin, List<Topic<?, ?>> topics, short replicationFactor) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> t.newTopic(replicationFactor))
                    .toList();
            Set<String> created = new TreeSet<>();
            // Each topic's result is checked on its own: a service starting at the same time may
            // have created some of them, which is fine.
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get();
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "Cannot create topic " + entry.getKey() + ": "
                                        + e.getCause().getMessage(),
                                e.getCause());
                    }
                }
            }
            if (!created.isEmpty()) {
                log.info("Created topics {}", created.stream().collect(Collectors.joining(", ")));
            }
            awaitWritable(admin, topics.stream().map(Topic::name).toList(), WRITABLE_TIMEOUT);
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot list topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The id of a topic: it changes when the topic is deleted and created again. */
    public static Uuid topicId(Admin admin, Topic<?, ?> topic) {
        try {
            return admin.describeTopics(List.of(topic.name()))
                    .allTopicNames()
                    .get()
                    .get(topic.name())
                    .topicId();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot describe " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Checks that topics meant to be co-partitioned have as many partitions each, as the catalogue
     * creates them; a cluster whose topics were made otherwise is refused with what to fix.
     *
     * @throws IllegalStateException naming each topic and its partition count
     */
    public static void requireSamePartitions(Admin admin, Topic<?, ?>... topics) {
        List<String> names = Arrays.stream(topics).map(Topic::name).toList();
        try {
            Map<String, TopicDescription> descriptions =
                    admin.describeTopics(names).allTopicNames().get();
            Map<String, Integer> counts = new TreeMap<>();
            descriptions.forEach((name, description) ->
                    counts.put(name, description.partitions().size()));
            if (counts.values().stream().distinct().count() > 1) {
                throw new IllegalStateException("Topics " + names + " must have as many partitions each (they are "
                        + "partitioned alike), but have " + counts + ": add partitions so they match");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot describe topics " + names + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Waits until the leader of every partition of {@code topicNames} answers for it. A topic is
     * created before its leader has opened the partitions, and a write in that gap is worse than
     * retried: an idempotent producer with several requests in flight can have a later batch
     * appended first, then retry the earlier one with an out-of-order sequence until it expires
     * (KAFKA-15591; seen here as an ingest failing after a two-minute stall on a fresh broker). A
     * ListOffsets request needs the same opened partition as a write, so its success is the sign.
     */
    private static void awaitWritable(Admin admin, List<String> topicNames, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable lastProblem;
        do {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(topicNames).allTopicNames().get();
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                descriptions
                        .values()
                        .forEach(topic -> topic.partitions()
                                .forEach(partition -> partitions.put(
                                        new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
                admin.listOffsets(partitions).all().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw new IllegalStateException(
                            "Cannot check that topics accept writes: "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
                lastProblem = e.getCause();
            }
            Thread.sleep(RETRY_BACKOFF_MS);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException(
                "Topics do not accept writes after " + timeout.toSeconds() + " s: " + lastProblem.getMessage(),
                lastProblem);
    }
}
