package io.paperalerts.bench;

import io.paperalerts.kafka.KafkaClients;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.common.Node;

/**
 * Bytes in the brokers' logs per topic, read from the brokers themselves ({@code describeLogDirs}),
 * so that a run can print what it wrote: the difference of two readings, per kind of topic. The
 * changelogs of one application are named by their store; other changelogs and the repartition
 * topics are grouped as such; the other topics by name.
 */
final class TopicBytes {

    private final Map<String, Long> byKind;

    private TopicBytes(Map<String, Long> byKind) {
        this.byKind = byKind;
    }

    /** @param applicationId whose changelogs are named by their store */
    static TopicBytes read(String bootstrap, String applicationId) throws InterruptedException, ExecutionException {
        try (Admin admin = KafkaClients.of(bootstrap).admin()) {
            var brokers =
                    admin.describeCluster().nodes().get().stream().map(Node::id).toList();
            Map<String, Long> byKind = new TreeMap<>();
            for (Map<String, LogDirDescription> dirs :
                    admin.describeLogDirs(brokers).allDescriptions().get().values()) {
                for (LogDirDescription dir : dirs.values()) {
                    dir.replicaInfos()
                            .forEach((partition, replica) ->
                                    byKind.merge(kind(partition.topic(), applicationId), replica.size(), Long::sum));
                }
            }
            return new TopicBytes(byKind);
        }
    }

    private static String kind(String topic, String applicationId) {
        if (topic.endsWith("-changelog")) {
            return topic.startsWith(applicationId + "-")
                    ? "changelog of "
                            + topic.substring(applicationId.length() + 1, topic.length() - "-changelog".length())
                    : "changelogs";
        }
        if (topic.endsWith("-repartition")) {
            return "repartition";
        }
        return topic;
    }

    /** What was written since {@code before}, per kind of topic, largest first; topics that did not grow are left out. */
    Map<String, Long> since(TopicBytes before) {
        Map<String, Long> grown = new TreeMap<>();
        byKind.forEach((kind, bytes) -> {
            long delta = bytes - before.byKind.getOrDefault(kind, 0L);
            if (delta > 0) {
                grown.put(kind, delta);
            }
        });
        return grown;
    }

    /** "total B per alert (alerts x, changelogs y, ...)" for {@code alerts} alerts written since {@code before}. */
    String perAlert(TopicBytes before, long alerts) {
        Map<String, Long> grown = since(before);
        long total = grown.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder parts = new StringBuilder();
        grown.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> parts.append(parts.length() == 0 ? "" : ", ")
                        .append(e.getKey())
                        .append(' ')
                        .append(Math.round((double) e.getValue() / alerts)));
        return String.format(
                "%,d B per alert (%s; %,d MB in all)", Math.round((double) total / alerts), parts, total >> 20);
    }
}
