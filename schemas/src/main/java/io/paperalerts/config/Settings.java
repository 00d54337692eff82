package io.paperalerts.config;

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
 * at start-up instead of being silently ignored.
 */
public final class Settings {

    public static final String ENV_PREFIX = "PAPER_ALERTS_";

    private Settings() {
    }

    /** {@code bootstrap.servers} is read from {@code PAPER_ALERTS_BOOTSTRAP_SERVERS}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
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
        overrides.forEach((key, value) -> {
            requireDeclared(definition, key, "command line");
            if (value != null) {
                values.put(key, value);
            }
        });
        return values;
    }

    private static void requireDeclared(ConfigDef definition, String key, String where) {
        if (!definition.names().contains(key)) {
            throw new ConfigException("Unknown configuration key '" + key + "' in " + where
                    + "; known keys: " + new TreeSet<>(definition.names()));
        }
    }
}
