package io.paperalerts.local;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The server properties of one KRaft node (broker and controller in one process) on loopback: the
 * embedded single-node broker and the three-node clusters of the fault tests differ only in how
 * many replicas everything has and how the node finds the controller quorum.
 */
public final class KRaftNodeProperties {

    private KRaftNodeProperties() {}

    /**
     * @param replicas replicas of every topic and internal log; with more than one, writes need two in sync
     */
    public static Properties of(int nodeId, int port, int controllerPort, Path logDir, int replicas) {
        String replication = String.valueOf(replicas);
        String minIsr = String.valueOf(Math.min(replicas, 2));
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId));
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // Topics come from the catalogue with their settings; a typo must not create a topic.
        p.put("auto.create.topics.enable", "false");
        p.put("default.replication.factor", replication);
        p.put("min.insync.replicas", minIsr);
        // Every internal log, including those exactly-once needs, replicated like the topics.
        p.put("offsets.topic.replication.factor", replication);
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", replication);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", replication);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", replicas > 1 ? "2" : "4");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        // Compacted topics are small here: looking every second (15 s by default) costs nothing, and a
        // test of erasure sees its tombstones compacted in seconds.
        p.put("log.cleaner.backoff.ms", "1000");
        return p;
    }
}
