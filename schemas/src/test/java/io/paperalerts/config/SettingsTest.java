package io.paperalerts.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    private final ConfigDef definition = CommonConfig.define(new ConfigDef());

    @Test
    void shouldLetCommandLineWinOverEnvironmentOverFileOverDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\ntopics.replication.factor=2\n");

        var fromFile = new AbstractConfig(definition, Settings.resolve(definition, file, Map.of(), Map.of()));
        var fromEnv = new AbstractConfig(
                definition,
                Settings.resolve(definition, file, Map.of("PAPER_ALERTS_BOOTSTRAP_SERVERS", "env:9092"), Map.of()));
        var fromCli = new AbstractConfig(
                definition,
                Settings.resolve(
                        definition,
                        file,
                        Map.of("PAPER_ALERTS_BOOTSTRAP_SERVERS", "env:9092"),
                        Map.of("bootstrap.servers", "cli:9092")));
        var defaults = new AbstractConfig(definition, Settings.resolve(definition, null, Map.of(), Map.of()));

        assertThat(fromFile.getList("bootstrap.servers")).containsExactly("file:9092");
        assertThat(fromFile.getShort("topics.replication.factor")).isEqualTo((short) 2);
        assertThat(fromEnv.getList("bootstrap.servers")).containsExactly("env:9092");
        assertThat(fromCli.getList("bootstrap.servers")).containsExactly("cli:9092");
        assertThat(defaults.getList("bootstrap.servers")).isEqualTo(List.of("localhost:9092"));
    }

    @Test
    void shouldRefuseAnUnknownKeyInTheFileNamingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "bootstrap.server=typo:9092\n");

        assertThatThrownBy(() -> Settings.resolve(definition, file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown configuration key 'bootstrap.server'")
                .hasMessageContaining(file.toString());
    }

    @Test
    void shouldRefuseAnInvalidValueNamingTheKey() {
        var values =
                Settings.resolve(definition, null, Map.of("PAPER_ALERTS_TOPICS_REPLICATION_FACTOR", "0"), Map.of());

        assertThatThrownBy(() -> new AbstractConfig(definition, values))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topics.replication.factor");
    }
}
