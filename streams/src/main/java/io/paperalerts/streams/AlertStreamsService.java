package io.paperalerts.streams;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.streams.matching.SubscriptionMatcher;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;

/** Runs the alert topology: creates missing topics, starts Kafka Streams, closes it cleanly. */
public final class AlertStreamsService implements AutoCloseable {

    private final KafkaStreams streams;
    private final SubscriptionMatcher matcher = new SubscriptionMatcher();

    public AlertStreamsService(StreamsServiceConfig config) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.getList(CommonConfig.BOOTSTRAP_SERVERS)))) {
            TopicProvisioner.createMissing(admin, Topics.ALL, config.getShort(CommonConfig.REPLICATION_FACTOR));
        }
        this.streams = new KafkaStreams(AlertTopology.build(matcher, config.getBoolean(StreamsServiceConfig.ALERT_NEW_VERSIONS)), config.streamsProperties());
    }

    public AlertStreamsService start() {
        streams.start();
        return this;
    }

    /** Blocks until every thread runs, i.e. the subscriptions are loaded and papers are being read. */
    public void awaitRunning(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("Kafka Streams stopped while starting: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Kafka Streams not running after " + timeout + ": " + streams.state());
            }
            Thread.sleep(20);
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Tasks this instance processes now; instances of one application share the partitions. */
    public int activeTasks() {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    public int activeSubscriptions() {
        return matcher.size();
    }

    /**
     * Stops and leaves the consumer group, so the remaining or restarted instances take over the
     * partitions at once instead of after the session timeout.
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
