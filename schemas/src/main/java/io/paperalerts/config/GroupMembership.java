package io.paperalerts.config;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * How a service's instances hold their partitions in a consumer group, so that work resumes in
 * seconds after a crash: a short session (a member killed with SIGKILL is noticed within it, and
 * its partitions go to the others) and, where a supervisor restarts an instance under the same
 * name, static membership (the restarted process takes its partitions back at once, without
 * waiting for the old session to end or rebalancing the others).
 *
 * @param sessionTimeoutMs how long a silent member keeps its partitions
 * @param instanceId the stable name of this instance, or empty for dynamic membership
 */
public record GroupMembership(int sessionTimeoutMs, String instanceId) {

    public static final String SESSION_TIMEOUT_MS = "group.session.timeout.ms";
    public static final String INSTANCE_ID = "group.instance.id";

    public static ConfigDef define(ConfigDef definition) {
        return definition
                .define(
                        SESSION_TIMEOUT_MS,
                        Type.INT,
                        10_000,
                        ConfigDef.Range.between(6_000, 300_000),
                        Importance.MEDIUM,
                        "How long an instance that stopped answering (killed, hung, cut off) keeps its partitions "
                                + "before the others take them over; the broker allows 6 s at least")
                .define(
                        INSTANCE_ID,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "A name unique to this instance and stable across its restarts (e.g. the pod or host name): "
                                + "static membership, so a restarted instance resumes at once; empty: dynamic membership");
    }

    public static GroupMembership of(AbstractConfig config) {
        return new GroupMembership(
                config.getInt(SESSION_TIMEOUT_MS), config.getString(INSTANCE_ID).strip());
    }

    /** Adds the consumer settings, each key behind {@code prefix} (empty for a plain consumer). */
    public void configure(Map<? super String, Object> consumerProperties, String prefix) {
        consumerProperties.put(prefix + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs);
        // A third of the session, as Kafka advises: two lost heartbeats do not end it.
        consumerProperties.put(
                prefix + ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(1_000, sessionTimeoutMs / 3));
        if (!instanceId.isEmpty()) {
            consumerProperties.put(prefix + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
    }
}
