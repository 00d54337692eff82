package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.kafka.KafkaProblem;
import io.paperalerts.kafka.KafkaStartup;
import io.paperalerts.kafka.ServiceAccess;
import io.paperalerts.local.EmbeddedSmtpServer;
import io.paperalerts.testing.SecuredKafka;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker of docker-compose.yml, started by its own script ({@code ops/security/kafka-start.sh})
 * as the {@code apache/kafka} image runs it, here with Kafka's jars from this build in place of the
 * image's: the SCRAM users come from the secrets, clients must speak SASL_SSL, and the authorizer
 * allows what {@code paper-alerts acls} grants and nothing else.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ComposeBrokerScriptTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void shouldStartASaslSslBrokerWithTheUsersOfTheSecretsAndAclsEnforced() throws Exception {
        // Given the secrets make-certs.sh makes, and a Kafka installation of this build's jars
        Path secrets = SecuredKafka.certificatesDir();
        Path home = kafkaHome();
        int clientPort = EmbeddedSmtpServer.freePort();
        Map<String, String> environment = Map.of(
                "KAFKA_HOME",
                home.toString(),
                "SECRETS",
                secrets.toString(),
                "KAFKA_DATA",
                dir.resolve("data").toString(),
                "KAFKA_CONFIG",
                dir.resolve("server.properties").toString(),
                "CLIENT_PORT",
                String.valueOf(clientPort),
                "HOST_PORT",
                String.valueOf(EmbeddedSmtpServer.freePort()),
                "INTERNAL_PORT",
                String.valueOf(EmbeddedSmtpServer.freePort()),
                "CONTROLLER_PORT",
                String.valueOf(EmbeddedSmtpServer.freePort()),
                "ADVERTISED_HOST",
                "localhost");

        // When the compose script starts the broker
        ProcessBuilder builder = new ProcessBuilder(
                        "bash", ROOT.resolve("ops/security/kafka-start.sh").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("kafka.log").toFile());
        builder.environment().putAll(environment);
        Process kafka = builder.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> accepts(clientPort) || !kafka.isAlive());
            assertThat(kafka.isAlive())
                    .as(Files.readString(dir.resolve("kafka.log")))
                    .isTrue();
            String bootstrap = "localhost:" + clientPort;

            // Then the administrator, as compose's topics and acls services do, sets the cluster up
            Path admin = configFile("admin", bootstrap, secrets);
            Cli topics = Cli.run("topics", "--config", admin.toString());
            assertThat(topics.exitCode()).as(topics.err()).isZero();
            Cli acls = Cli.run("acls", "--config", admin.toString(), "--ingest", "User:ingest", "--apply");
            assertThat(acls.exitCode()).as(acls.err()).isZero();

            // And ingest, as its own user with its password from its secret, may do its job
            Map<String, String> ingest = clientSettings("ingest", secrets);
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThatCode(() -> KafkaStartup.prepare(
                                    KafkaClients.of(bootstrap, ingest), ServiceAccess.ingest(), (short) 1))
                            .doesNotThrowAnyException());
            // But not the notifier's, which no ACL grants it, nor anything with a wrong password
            assertThatThrownBy(() -> KafkaStartup.prepare(
                            KafkaClients.of(bootstrap, ingest), ServiceAccess.notifier("paper-alerts-notifier"), (short)
                                    1))
                    .isInstanceOf(KafkaProblem.class)
                    .hasMessageContaining("not authorized to READ topic digests");
            Map<String, String> wrong = new HashMap<>(ingest);
            wrong.put("kafka.sasl.jaas.config", SecuredKafka.jaas("ingest", "not-the-password"));
            assertThatThrownBy(() -> KafkaStartup.awaitCluster(KafkaClients.of(bootstrap, wrong)))
                    .isInstanceOf(KafkaProblem.class)
                    .hasMessageStartingWith("Kafka authentication failed for user 'ingest'");
        } finally {
            kafka.descendants().forEach(ProcessHandle::destroyForcibly);
            kafka.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The client settings of compose's services, secrets read by Kafka's DirectoryConfigProvider. */
    private static Map<String, String> clientSettings(String user, Path secrets) {
        return Map.of(
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.config.providers", "dir",
                "kafka.config.providers.dir.class", "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                "kafka.sasl.jaas.config", SecuredKafka.jaas(user, "${dir:" + secrets + ":" + user + ".password}"),
                "kafka.ssl.truststore.type", "PKCS12",
                "kafka.ssl.truststore.location",
                        secrets.resolve("truststore.p12").toString(),
                "kafka.ssl.truststore.password", "${dir:" + secrets + ":store.password}");
    }

    private Path configFile(String user, String bootstrap, Path secrets) throws IOException {
        Properties properties = new Properties();
        properties.putAll(clientSettings(user, secrets));
        properties.setProperty("bootstrap.servers", bootstrap);
        Path file = dir.resolve(user + ".properties");
        try (var writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, user);
        }
        return file;
    }

    /** bin/kafka-storage.sh and bin/kafka-server-start.sh as the distribution has them, on this build's jars. */
    private Path kafkaHome() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("kafka/bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        script(bin.resolve("kafka-storage.sh"), java, classpath, "kafka.tools.StorageTool");
        script(bin.resolve("kafka-server-start.sh"), java, classpath, "kafka.Kafka");
        return dir.resolve("kafka");
    }

    private static void script(Path file, String java, String classpath, String mainClass) throws IOException {
        Files.writeString(
                file,
                "#!/usr/bin/env bash\nexec '" + java + "' -Xmx512m -cp '" + classpath + "' " + mainClass + " \"$@\"\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    private static boolean accepts(int port) {
        try {
            new Socket("127.0.0.1", port).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
