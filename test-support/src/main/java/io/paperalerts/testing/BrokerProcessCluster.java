package io.paperalerts.testing;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.local.EmbeddedKafkaBroker;
import io.paperalerts.local.KRaftNodeProperties;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.awaitility.Awaitility;

/**
 * Three Kafka KRaft nodes (each broker and controller), each in a process of its own run from
 * Kafka's own jars, as in production: replication 3, {@code min.insync.replicas=2}, the offsets
 * and transaction logs replicated alike. A node can be killed with SIGKILL and started again on
 * its data, which a broker inside the test JVM cannot. The catalogue's topics exist once started.
 */
public final class BrokerProcessCluster implements AutoCloseable {

    /** One node: its id, client port and process. */
    public record Node(int id, int port, JavaProcess process) {}

    private final List<Node> nodes;
    private final Admin admin;

    private BrokerProcessCluster(List<Node> nodes) {
        this.nodes = nodes;
        this.admin = KafkaClients.of(bootstrapServers())
                .admin(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    /** Formats three nodes' storage under {@code directory}, starts them together and creates the topics. */
    public static BrokerProcessCluster start(Path directory) {
        try {
            int size = 3;
            int[] free = EmbeddedKafkaBroker.freePorts(2 * size);
            int[] ports = Arrays.copyOfRange(free, 0, size);
            int[] controllerPorts = Arrays.copyOfRange(free, size, 2 * size);
            String voters = IntStream.range(0, size)
                    .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i])
                    .collect(Collectors.joining(","));
            String clusterId = Uuid.randomUuid().toString();
            List<Node> nodes = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                int id = i + 1;
                Path nodeDir = directory.resolve("node-" + id);
                Files.createDirectories(nodeDir);
                Path config = nodeDir.resolve("server.properties");
                try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                    serverProperties(id, ports[i], controllerPorts[i], voters, nodeDir)
                            .store(writer, "node " + id);
                }
                format(clusterId, config);
                JavaProcess process = new JavaProcess(
                        "kafka-" + id,
                        nodeDir.resolve("kafka.log"),
                        List.of("-Xmx512m", "-Dlog4j2.configurationFile=" + log4jConfig(nodeDir)),
                        "kafka.Kafka",
                        List.of(config.toString()));
                nodes.add(new Node(id, ports[i], process));
            }
            // Each node waits for a quorum of the others, so they start together.
            nodes.forEach(n -> n.process().start());
            BrokerProcessCluster cluster = new BrokerProcessCluster(List.copyOf(nodes));
            cluster.awaitNodes(size, Duration.ofSeconds(90));
            TopicProvisioner.createMissing(cluster.admin, Topics.ALL, (short) 3);
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    public Admin admin() {
        return admin;
    }

    public Node node(int id) {
        return nodes.get(id - 1);
    }

    /** The node leading a partition now. */
    public Node leaderOf(TopicPartition partition) {
        try {
            var description = admin.describeTopics(List.of(partition.topic()))
                    .allTopicNames()
                    .get()
                    .get(partition.topic());
            return node(
                    description.partitions().get(partition.partition()).leader().id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot describe " + partition.topic(), e.getCause());
        }
    }

    /** Waits until {@code count} nodes are in the cluster and every partition has its full set of in-sync replicas. */
    public void awaitNodes(int count, Duration timeout) {
        Awaitility.await("" + count + " Kafka nodes")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> admin.describeCluster().nodes().get().size() == count);
    }

    /**
     * Waits until every partition of every topic (internal ones too: offsets, transactions, the
     * services' changelogs) has all three replicas in sync again.
     */
    public void awaitFullIsr(Duration timeout) {
        Awaitility.await("full ISR")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> admin
                        .describeTopics(admin.listTopics(new ListTopicsOptions().listInternal(true))
                                .names()
                                .get())
                        .allTopicNames()
                        .get()
                        .values()
                        .stream()
                        .flatMap(t -> t.partitions().stream())
                        .allMatch(p -> p.isr().size() == 3));
    }

    public String logs(int lines) {
        return nodes.stream().map(n -> n.process().tail(lines)).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
        nodes.forEach(n -> n.process().kill());
    }

    private static Properties serverProperties(int id, int port, int controllerPort, String voters, Path dir) {
        Properties p = KRaftNodeProperties.of(id, port, controllerPort, dir.resolve("data"), 3);
        p.put("controller.quorum.voters", voters);
        return p;
    }

    private static void format(String clusterId, Path config) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status = StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", config.toString()},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (status != 0) {
            throw new IllegalStateException(
                    "Formatting " + config + " failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    /** Brokers log at WARN into their own file: the test's output stays readable. */
    private static Path log4jConfig(Path dir) throws IOException {
        Path file = dir.resolve("log4j2.properties");
        Files.writeString(file, """
                rootLogger.level = warn
                rootLogger.appenderRef.out.ref = out
                appender.out.type = Console
                appender.out.name = out
                appender.out.layout.type = PatternLayout
                appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1}: %m%n
                """, StandardCharsets.UTF_8);
        return file;
    }
}
