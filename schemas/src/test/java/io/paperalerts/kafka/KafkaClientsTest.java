package io.paperalerts.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientsTest {

    private static final ConfigDef DEFINITION = CommonConfig.define(new ConfigDef());
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"ingest\" password=\"ingest-secret\";";

    private static KafkaClients fromEnvironment(Map<String, String> environment) {
        return KafkaClients.of(
                new AbstractConfig(DEFINITION, Settings.resolve(DEFINITION, null, environment, Map.of())));
    }

    @Test
    void shouldGiveSecuritySettingsFromTheEnvironmentToEveryKindOfClient() {
        // Given the settings of a SASL_SSL cluster in the environment
        KafkaClients clients = fromEnvironment(Map.of(
                "PAPER_ALERTS_BOOTSTRAP_SERVERS", "kafka-1:9093,kafka-2:9093",
                "PAPER_ALERTS_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "PAPER_ALERTS_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "PAPER_ALERTS_KAFKA_SASL_JAAS_CONFIG", JAAS));

        // Then producers, consumers, admin clients and Kafka Streams get them, with the servers
        for (Map<String, Object> config : List.of(
                clients.producerConfig(Map.of()), clients.consumerConfig(Map.of()), clients.adminConfig(Map.of()))) {
            assertThat(config)
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("sasl.jaas.config", JAAS)
                    .containsEntry("bootstrap.servers", "kafka-1:9093,kafka-2:9093");
        }
        assertThat(clients.streamsConfig(new Properties())).containsEntry("security.protocol", "SASL_SSL");
        assertThat(clients.principal()).isEqualTo("user 'ingest' (SCRAM-SHA-512)");
    }

    @Test
    void shouldGiveAKindsOwnSettingOnlyToThatKindAndLetItWin(@TempDir Path dir) throws Exception {
        // Given a file with a setting for every client and one for producers only
        Path file = dir.resolve("service.properties");
        Files.writeString(file, """
                kafka.request.timeout.ms=20000
                kafka.producer.request.timeout.ms=5000
                kafka.producer.linger.ms=7
                kafka.consumer.max.poll.records=42
                """);
        KafkaClients clients =
                KafkaClients.of(new AbstractConfig(DEFINITION, Settings.resolve(DEFINITION, file, Map.of(), Map.of())));

        // Then each kind gets what is its own, over the code's defaults, and Streams gets them prefixed
        assertThat(clients.producerConfig(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20)))
                .containsEntry("request.timeout.ms", "5000")
                .containsEntry("linger.ms", "7")
                .doesNotContainKey("max.poll.records");
        assertThat(clients.consumerConfig(Map.of()))
                .containsEntry("request.timeout.ms", "20000")
                .containsEntry("max.poll.records", "42")
                .doesNotContainKey("linger.ms");
        assertThat(clients.adminConfig(Map.of())).containsEntry("request.timeout.ms", "20000");
        assertThat(clients.streamsConfig(new Properties()))
                .containsEntry("request.timeout.ms", "20000")
                .containsEntry("producer.linger.ms", "7")
                .containsEntry("consumer.max.poll.records", "42");
    }

    @Test
    void shouldRefuseAPropertyNoKafkaClientHasNamingIt() {
        assertThatThrownBy(() -> fromEnvironment(Map.of("PAPER_ALERTS_KAFKA_SECURITY_PROTOKOL", "SSL")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown Kafka client property 'kafka.security.protokol'");
        assertThatThrownBy(() -> KafkaClients.of("localhost:9092", Map.of("kafka.consumer.linger.ms", "5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no consumer has 'linger.ms'");
    }

    @Test
    void shouldRefuseAPropertyTheServicesSetThemselves() {
        assertThatThrownBy(() -> KafkaClients.of("localhost:9092", Map.of("kafka.isolation.level", "read_uncommitted")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'kafka.isolation.level' is set by paper-alerts itself");
        assertThatThrownBy(() -> KafkaClients.of("localhost:9092", Map.of("kafka.producer.acks", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.producer.acks");
    }

    @Test
    void shouldRefuseAnInvalidValueAtOnce() {
        assertThatThrownBy(() -> KafkaClients.of("localhost:9092", Map.of("kafka.security.protocol", "TLS")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("security.protocol")
                .hasMessageContaining("TLS");
    }

    @Test
    void shouldReadAPasswordFromAFileThroughKafkasConfigProvider(@TempDir Path dir) throws Exception {
        // Given the password in a secrets file, named in the JAAS setting
        Path secrets = dir.resolve("kafka.properties");
        Files.writeString(secrets, "password=from-the-file\n");
        KafkaClients clients = KafkaClients.of(
                "localhost:9092",
                Map.of(
                        "kafka.config.providers", "file",
                        "kafka.config.providers.file.class",
                                "org.apache.kafka.common.config.provider.FileConfigProvider",
                        "kafka.security.protocol", "SASL_SSL",
                        "kafka.sasl.mechanism", "SCRAM-SHA-512",
                        "kafka.sasl.jaas.config",
                                "org.apache.kafka.common.security.scram.ScramLoginModule required "
                                        + "username=\"streams\" password=\"${file:" + secrets + ":password}\";"));

        // Then a producer's configuration resolves it, and the environment never held it
        Map<String, Object> config = clients.producerConfig(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        assertThat(new ProducerConfig(config).getPassword("sasl.jaas.config").value())
                .contains("password=\"from-the-file\"");
        assertThat(clients.principal()).isEqualTo("user 'streams' (SCRAM-SHA-512)");
    }

    @Test
    void shouldFailAtStartUpWhenTheSecretFileIsMissing(@TempDir Path dir) {
        assertThatThrownBy(() -> KafkaClients.of(
                        "localhost:9092",
                        Map.of(
                                "kafka.config.providers", "file",
                                "kafka.config.providers.file.class",
                                        "org.apache.kafka.common.config.provider.FileConfigProvider",
                                "kafka.ssl.truststore.password",
                                        "${file:" + dir.resolve("missing.properties") + ":password}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.properties");
    }

    @Test
    void shouldKeepTheServicesOwnSettingsWhereNothingIsPassedThrough() {
        Map<String, Object> config = KafkaClients.of("localhost:9092")
                .consumerConfig(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));

        assertThat(config)
                .containsOnly(
                        Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                        Map.entry("bootstrap.servers", "localhost:9092"));
    }
}
