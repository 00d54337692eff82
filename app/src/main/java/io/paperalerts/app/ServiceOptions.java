package io.paperalerts.app;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.config.Settings;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.kafka.KafkaStartup;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Option;

/** Options every service command shares: where its configuration and its cluster are. */
final class ServiceOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with configuration keys (see README); environment variables "
                    + "PAPER_ALERTS_* and command-line options override it")
    Path configFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers")
    String bootstrapServers;

    Map<String, Object> resolve(ConfigDef definition, Map<String, Object> moreOverrides) {
        Map<String, Object> overrides = new HashMap<>(moreOverrides);
        if (bootstrapServers != null) {
            overrides.put(CommonConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        Map<String, Object> resolved = Settings.resolve(definition, configFile, System.getenv(), overrides);
        if ("json".equals(String.valueOf(resolved.get(CommonConfig.LOG_FORMAT)))) {
            LogFormat.json();
        }
        return resolved;
    }

    /**
     * The Kafka clients of a command, once the cluster has answered them: a command fails within
     * seconds naming what is wrong (protocol, credentials, certificate), not after clients retried.
     */
    static KafkaClients clients(AbstractConfig config) {
        KafkaClients clients = KafkaClients.of(config);
        KafkaStartup.awaitCluster(clients);
        return clients;
    }
}
