package io.paperalerts.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** Keys every service has: where the cluster is and how the catalogue's topics are created. */
public final class CommonConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String REPLICATION_FACTOR = "topics.replication.factor";
    public static final String LOG_FORMAT = "log.format";
    public static final String METRICS_BIND_ADDRESS = "metrics.bind.address";

    private CommonConfig() {}

    private static void requireHosts(String name, Object value) {
        if (!(value instanceof List<?> hosts)
                || hosts.isEmpty()
                || hosts.stream().anyMatch(h -> !String.valueOf(h).contains(":"))) {
            throw new ConfigException(name, value, "expected host:port[,host:port...]");
        }
    }

    public static ConfigDef define(ConfigDef definition) {
        return definition
                .define(
                        BOOTSTRAP_SERVERS,
                        Type.LIST,
                        "localhost:9092",
                        CommonConfig::requireHosts,
                        Importance.HIGH,
                        "Kafka bootstrap servers, host:port[,host:port...]")
                .define(
                        REPLICATION_FACTOR,
                        Type.SHORT,
                        (short) 1,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        "Replication factor of the topics created at start-up when missing "
                                + "(use 3 on a production cluster)")
                .define(
                        LOG_FORMAT,
                        Type.STRING,
                        "text",
                        ConfigDef.ValidString.in("text", "json"),
                        Importance.LOW,
                        "Log lines as text, or as one JSON object per line (ECS fields; the notifier's lines about "
                                + "one email carry recipient.hash, its keyed hash) for a log collector; no line holds an "
                                + "email address in either")
                .define(
                        METRICS_BIND_ADDRESS,
                        Type.STRING,
                        "127.0.0.1",
                        new ConfigDef.NonEmptyString(),
                        Importance.MEDIUM,
                        "Address the metrics and health endpoints listen on: this host only by default; 0.0.0.0 "
                                + "for a scraper or probe on another host (never on a public interface)");
    }
}
