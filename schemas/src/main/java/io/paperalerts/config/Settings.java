package io.paperalerts.config;

import io.paperalerts.kafka.KafkaClients;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Resolves a service's configuration from its {@link ConfigDef}: declared defaults, then a properties
 * file, then {@code PAPER_ALERTS_*} environment variables, then command-line overrides, each layer
 * winning over the one before. Keys the definition does not declare are refused, so a typo fails
 * at start-up instead of being silently ignored; {@code kafka.*} keys (and {@code PAPER_ALERTS_KAFKA_*})
 * are Kafka client properties, which {@link KafkaClients} checks.
 */
public final class Settings {

    public static final String ENV_PREFIX = "PAPER_ALERTS_";
    private static final String KAFKA_ENV_PREFIX = envName(KafkaClients.PREFIX);

    private Settings() {}

    /** {@code bootstrap.servers} is read from {@code PAPER_ALERTS_BOOTSTRAP_SERVERS}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * {@code PAPER_ALERTS_KAFKA_SASL_MECHANISM} is {@code kafka.sasl.mechanism}: no Kafka client
     * property has an underscore, so each one is a dot.
     */
    static String kafkaKey(String environmentName) {
        return KafkaClients.PREFIX
                + environmentName
                        .substring(KAFKA_ENV_PREFIX.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.');
    }

    public static Map<String, Object> resolve(
            ConfigDef definition, Path file, Map<String, String> environment, Map<String, ?> overrides) {
        Map<String, Object> values = new HashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("Cannot read configuration file " + file + ": " + e.getMessage());
            }
            for (String key : new TreeSet<>(properties.stringPropertyNames())) {
                requireDeclared(definition, key, "configuration file " + file);
                values.put(key, properties.getProperty(key).trim());
            }
        }
        for (String key : definition.names()) {
            String fromEnv = environment.get(envName(key));
            if (fromEnv != null) {
                values.put(key, fromEnv);
            }
        }
        environment.forEach((name, value) -> {
            if (name.startsWith(KAFKA_ENV_PREFIX) && name.length() > KAFKA_ENV_PREFIX.length()) {
                values.put(kafkaKey(name), value);
            }
        });
        overrides.forEach((key, value) -> {
            requireDeclared(definition, key, "command line");
            if (value != null) {
                values.put(key, value);
            }
        });
        return values;
    }

    private static void requireDeclared(ConfigDef definition, String key, String where) {
        // Kafka client properties pass through; KafkaClients checks them against Kafka's own.
        if (!definition.names().contains(key) && !key.startsWith(KafkaClients.PREFIX)) {
            throw new ConfigException("Unknown configuration key '" + key + "' in " + where + "; known keys: "
                    + new TreeSet<>(definition.names()));
        }
    }
}
