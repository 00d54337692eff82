package io.paperalerts.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.topics.CompactedTopics;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One screen on the state of a deployment, read from the cluster alone: records per topic, lag
 * per consumer group, subscriptions by status, and the newest dead letters, rejected papers and
 * failed deliveries with their reasons. Exits 1 when something needs attention (a dead letter in
 * the last hour, a group with lag and no member to work it off), else 0.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show topics, consumer-group lag, subscriptions and the newest failures; exit 1 if something "
                + "needs attention.")
final class StatusCommand implements Callable<Integer> {

    static final int NEWEST = 5;
    static final Duration RECENT = Duration.ofHours(1);

    @Mixin
    ServiceOptions service;

    @Option(names = "--json", description = "Print one JSON object, for scripts")
    boolean json;

    @Spec
    CommandSpec spec;

    record TopicStatus(String name, int partitions, long records) {}

    record GroupStatus(String group, int members, long lag, String state) {}

    record Failure(Instant time, String key, String source, String reason) {}

    record Status(
            Instant at,
            List<TopicStatus> topics,
            List<GroupStatus> groups,
            Map<String, Integer> subscriptions,
            Map<String, List<Failure>> failures,
            List<String> attention) {}

    @Override
    public Integer call() throws Exception {
        ConfigDef definition = CommonConfig.define(new ConfigDef());
        KafkaClients clients =
                ServiceOptions.clients(new AbstractConfig(definition, service.resolve(definition, Map.of())));
        Status status = read(clients, Instant.now());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper()
                    .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance))
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsString(status));
        } else {
            print(status, String.join(",", clients.bootstrapServers()), out);
        }
        out.flush();
        return status.attention().isEmpty() ? 0 : 1;
    }

    static Status read(KafkaClients clients, Instant now) throws InterruptedException, ExecutionException {
        try (Admin admin = clients.admin(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                15_000))) {
            Set<String> existing = admin.listTopics().names().get();
            List<TopicStatus> topics = new ArrayList<>();
            Map<TopicPartition, Long> ends = new LinkedHashMap<>();
            for (Topic<?, ?> topic : Topics.ALL) {
                if (!existing.contains(topic.name())) {
                    continue;
                }
                Set<TopicPartition> partitions = TopicOffsets.partitions(admin, topic);
                Map<TopicPartition, Long> end =
                        TopicOffsets.offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
                Map<TopicPartition, Long> start =
                        TopicOffsets.offsets(admin, partitions, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);
                ends.putAll(end);
                topics.add(new TopicStatus(
                        topic.name(),
                        partitions.size(),
                        partitions.stream()
                                .mapToLong(p -> end.get(p) - start.get(p))
                                .sum()));
            }
            List<GroupStatus> groups = groups(admin);
            Map<String, Integer> subscriptions = new TreeMap<>();
            if (existing.contains(Topics.SUBSCRIPTIONS.name())) {
                for (Subscription s :
                        CompactedTopics.latest(clients, Topics.SUBSCRIPTIONS).values()) {
                    subscriptions.merge(s.getStatus().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
                }
            }
            Map<String, List<Failure>> failures = new LinkedHashMap<>();
            for (Topic<byte[], byte[]> topic :
                    List.of(Topics.DEAD_LETTERS, Topics.PAPERS_REJECTED, Topics.DELIVERIES_FAILED)) {
                failures.put(topic.name(), existing.contains(topic.name()) ? newest(clients, topic, ends) : List.of());
            }
            List<String> attention = new ArrayList<>();
            failures.get(Topics.DEAD_LETTERS.name()).stream()
                    .filter(f -> f.time().isAfter(now.minus(RECENT)))
                    .findFirst()
                    .ifPresent(f -> attention.add("a dead letter in the last hour (" + f.time() + "): " + f.reason()));
            groups.stream()
                    .filter(g -> g.members() == 0 && g.lag() > 0)
                    .forEach(g -> attention.add(
                            "group " + g.group() + " has a lag of " + g.lag() + " and no member to work it off"));
            return new Status(now, topics, groups, subscriptions, failures, attention);
        }
    }

    private static List<GroupStatus> groups(Admin admin) throws InterruptedException, ExecutionException {
        List<String> ids = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                .map(GroupListing::groupId)
                .sorted()
                .toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, ConsumerGroupDescription> described =
                admin.describeConsumerGroups(ids).all().get();
        List<GroupStatus> groups = new ArrayList<>();
        for (String id : ids) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(id)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, Long> ends = committed.isEmpty()
                    ? Map.of()
                    : TopicOffsets.offsets(
                            admin, committed.keySet(), OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
            long lag = committed.entrySet().stream()
                    .filter(e -> e.getValue() != null)
                    .mapToLong(e -> Math.max(
                            0, ends.getOrDefault(e.getKey(), 0L) - e.getValue().offset()))
                    .sum();
            ConsumerGroupDescription description = described.get(id);
            groups.add(new GroupStatus(
                    id,
                    description.members().size(),
                    lag,
                    description.groupState().toString()));
        }
        return groups;
    }

    /** The newest records of a failure topic, newest first, with the reason in their headers. */
    private static List<Failure> newest(
            KafkaClients clients, Topic<byte[], byte[]> topic, Map<TopicPartition, Long> ends) {
        List<Failure> found = new ArrayList<>();
        try (var consumer = clients.consumer(
                Map.<String, Object>of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = ends.keySet().stream()
                    .filter(p -> p.topic().equals(topic.name()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> remaining = new LinkedHashMap<>();
            for (TopicPartition partition : partitions) {
                long from = Math.max(starts.get(partition), ends.get(partition) - NEWEST);
                consumer.seek(partition, from);
                if (from < ends.get(partition)) {
                    remaining.put(partition, ends.get(partition));
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    found.add(new Failure(
                            Instant.ofEpochMilli(record.timestamp()),
                            record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8),
                            String.valueOf(DeadLetters.source(record.headers())),
                            String.valueOf(DeadLetters.reason(record.headers()))));
                }
                remaining.keySet().removeIf(p -> consumer.position(p) >= remaining.get(p));
            }
        }
        found.sort(Comparator.comparing(Failure::time).reversed());
        return found.subList(0, Math.min(NEWEST, found.size()));
    }

    private static void print(Status status, String cluster, PrintWriter out) {
        out.printf("paper-alerts status of %s at %s%n%n", cluster, status.at());
        out.printf("%-28s %10s %10s%n", "topic", "records", "partitions");
        status.topics().forEach(t -> out.printf("%-28s %10d %10d%n", t.name(), t.records(), t.partitions()));
        out.printf("%n%-36s %7s %10s  %s%n", "consumer group", "members", "lag", "state");
        status.groups().forEach(g -> out.printf("%-36s %7d %10d  %s%n", g.group(), g.members(), g.lag(), g.state()));
        out.printf(
                "%nsubscriptions: %s%n",
                status.subscriptions().isEmpty()
                        ? "none"
                        : String.join(
                                ", ",
                                status.subscriptions().entrySet().stream()
                                        .map(e -> e.getValue() + " " + e.getKey())
                                        .toList()));
        status.failures().forEach((topic, failures) -> {
            out.printf("%n%s: %s%n", topic, failures.isEmpty() ? "none" : "newest " + failures.size());
            failures.forEach(f -> out.printf(
                    "  %s  %s  from %s: %s%n",
                    f.time(), f.key(), f.source(), f.reason().replaceAll("\\s+", " ")));
        });
        out.println();
        if (status.attention().isEmpty()) {
            out.println("Nothing needs attention.");
        } else {
            out.println("Needs attention:");
            status.attention().forEach(a -> out.println("  - " + a));
        }
    }
}
