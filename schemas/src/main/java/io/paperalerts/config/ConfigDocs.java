package io.paperalerts.config;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/** Renders a {@link ConfigDef} as the Markdown table the README carries (a test keeps them in sync). */
public final class ConfigDocs {

    private ConfigDocs() {}

    public static String markdownTable(ConfigDef definition) {
        String rows = definition.configKeys().values().stream()
                .map(key -> "| `" + key.name + "` | `" + Settings.envName(key.name) + "` | "
                        + key.type.name().toLowerCase(Locale.ROOT) + " | " + defaultOf(key) + " | "
                        + key.documentation.replace("|", "\\|") + " |")
                .collect(Collectors.joining("\n"));
        return "| key | environment variable | type | default | description |\n" + "|---|---|---|---|---|\n" + rows
                + "\n";
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        if (key.type == ConfigDef.Type.PASSWORD) {
            return "(none)";
        }
        Object value = key.defaultValue;
        if (value instanceof List<?> list) {
            value = String.join(",", list.stream().map(String::valueOf).toList());
        }
        return value == null || value.toString().isEmpty() ? "(none)" : "`" + value + "`";
    }
}
