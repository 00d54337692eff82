package io.paperalerts.ingest;

import io.paperalerts.config.CommonConfig;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Configuration of the ingest service. */
public final class IngestConfig extends AbstractConfig {

    public static final String CLIENT_ID = "ingest.client.id";

    public static final ConfigDef DEFINITION = CommonConfig.define(new ConfigDef())
            .define(CLIENT_ID, Type.STRING, "paper-alerts-ingest", new ConfigDef.NonEmptyString(),
                    Importance.LOW, "Kafka client id of the ingest producer, shown in broker logs and quotas");

    public IngestConfig(Map<String, ?> values) {
        super(DEFINITION, values);
    }
}
