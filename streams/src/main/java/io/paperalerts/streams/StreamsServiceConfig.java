package io.paperalerts.streams;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.topics.Topics;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/** Configuration of the streams service, and the Kafka Streams properties derived from it. */
public final class StreamsServiceConfig extends AbstractConfig {

    public static final String APPLICATION_ID = "streams.application.id";
    public static final String STATE_DIR = "streams.state.dir";
    public static final String COMMIT_INTERVAL_MS = "streams.commit.interval.ms";
    public static final String NUM_THREADS = "streams.num.threads";
    public static final String ALERT_NEW_VERSIONS = "streams.alert.new.versions";

    public static final ConfigDef DEFINITION = CommonConfig.define(new ConfigDef())
            .define(APPLICATION_ID, Type.STRING, "paper-alerts-streams", new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Kafka Streams application id: the consumer group and the prefix of internal topics")
            .define(STATE_DIR, Type.STRING, "/tmp/paper-alerts-streams", new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, "Folder of the local state stores (rebuilt from Kafka when missing)")
            .define(COMMIT_INTERVAL_MS, Type.LONG, 100L, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "How often transactions commit; with exactly-once this bounds the latency of alerts")
            .define(NUM_THREADS, Type.INT, 1, ConfigDef.Range.between(1, 64), Importance.LOW,
                    "Stream threads in this instance")
            .define(ALERT_NEW_VERSIONS, Type.BOOLEAN, false, Importance.LOW,
                    "Alert subscribers again when a new version of a paper they were alerted about arrives");

    public StreamsServiceConfig(Map<String, ?> values) {
        super(DEFINITION, values);
    }

    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", getList(CommonConfig.BOOTSTRAP_SERVERS)));
        p.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, getInt(NUM_THREADS));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) getShort(CommonConfig.REPLICATION_FACTOR));
        // A poison record is written to the dead-letter topic with the exception in its headers,
        // and processing goes on (KIP-1034).
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTERS.name());
        return p;
    }
}
