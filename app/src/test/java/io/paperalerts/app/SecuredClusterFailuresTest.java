package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.kafka.KafkaProblem;
import io.paperalerts.kafka.KafkaStartup;
import io.paperalerts.kafka.ServiceAccess;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.testing.SecuredKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.AbstractConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees when the secured cluster refuses a service: a wrong password, an unknown
 * user, an untrusted certificate, a missing ACL. Each ends the service's start within seconds,
 * with one message that names the cause, and no ACL that {@code paper-alerts acls} gives is one a
 * service could do without.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SecuredClusterFailuresTest {

    private static final String APPLICATION_ID = "paper-alerts-streams";

    @TempDir
    static Path dir;

    private static SecuredKafka kafka;
    private static Admin admin;
    private static Map<String, ServiceAccess> access;

    @BeforeAll
    static void secureClusterWithTopicsAndAcls() throws Exception {
        kafka = SecuredKafka.scram();
        Path adminConfig = kafka.configFile(dir, "admin", Map.of());
        assertThat(Cli.run("topics", "--config", adminConfig.toString()).exitCode())
                .isZero();
        assertThat(Cli.run(
                                "acls",
                                "--config",
                                adminConfig.toString(),
                                "--ingest",
                                "User:ingest",
                                "--streams",
                                "User:streams",
                                "--notifier",
                                "User:notifier",
                                "--apply")
                        .exitCode())
                .isZero();
        admin = kafka.clients("admin").admin();
        var definition = AclsCommand.DEFINITION;
        access = AclsCommand.access(new AbstractConfig(
                definition, Map.of(CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers()), false));
        // Kafka Streams' internal topics exist once it ran, as on any cluster after the first start.
        try (AlertStreamsService streams =
                new AlertStreamsService(new StreamsServiceConfig(streamsSettings(APPLICATION_ID))).start()) {
            streams.awaitRunning(Duration.ofSeconds(90));
        }
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Map<String, Object> streamsSettings(String applicationId) {
        Map<String, Object> settings = new HashMap<>(kafka.settings("streams"));
        settings.put(StreamsServiceConfig.APPLICATION_ID, applicationId);
        settings.put(
                StreamsServiceConfig.STATE_DIR,
                dir.resolve("state-" + applicationId).toString());
        return settings;
    }

    private static void prepare(String service) {
        KafkaStartup.prepare(kafka.clients(service), access.get(service), (short) 1);
    }

    @Test
    void shouldFailExactlyTheServiceWhoseAclIsRemovedNamingWhatItLacks() throws Exception {
        // Given every service starts with the ACLs paper-alerts acls gives
        for (String service : access.keySet()) {
            assertThatCode(() -> prepare(service)).as(service).doesNotThrowAnyException();
        }
        // (An ACL names one principal, so removing one of a service's cannot touch another's access.)
        for (String service : access.keySet()) {
            for (AclBinding binding : access.get(service).bindings("User:" + service)) {
                // When that one ACL is removed
                admin.deleteAcls(List.of(binding.toFilter())).all().get();
                try {
                    // Then that service's start fails, naming the operation and the resource
                    String operation = binding.entry().operation().name();
                    String resource = binding.pattern().name();
                    await().atMost(Duration.ofSeconds(20))
                            .pollInterval(Duration.ofMillis(200))
                            .untilAsserted(() -> assertThatThrownBy(() -> prepare(service))
                                    .as(binding.toString())
                                    .isInstanceOf(KafkaProblem.class)
                                    .hasMessageContaining("user '" + service + "'")
                                    .hasMessageContaining(operation)
                                    .hasMessageContaining(resource)
                                    .hasMessageContaining("paper-alerts acls --" + service));
                } finally {
                    admin.createAcls(List.of(binding)).all().get();
                }
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(
                                () -> assertThatCode(() -> prepare(service)).doesNotThrowAnyException());
            }
        }
    }

    @Test
    void shouldNameTheUserWhenThePasswordIsWrongOrTheUserUnknown() {
        for (String[] login : List.of(new String[] {"ingest", "not-the-password"}, new String[] {"nobody", "x"})) {
            Map<String, String> settings = new HashMap<>(kafka.kafkaSettings("ingest"));
            settings.put("kafka.sasl.jaas.config", SecuredKafka.jaas(login[0], login[1]));
            long started = System.nanoTime();

            assertThatThrownBy(() -> KafkaStartup.prepare(
                            KafkaClients.of(kafka.bootstrapServers(), settings), ServiceAccess.ingest(), (short) 1))
                    .isInstanceOf(KafkaProblem.class)
                    .hasMessageStartingWith("Kafka authentication failed for user '" + login[0]
                            + "' (SCRAM-SHA-512) at " + kafka.bootstrapServers());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
        }
    }

    @Test
    void shouldSayTheBrokersCertificateIsNotTrustedWithAnotherCa() throws Exception {
        // Given a truststore with another CA than the one that signed the broker's certificate
        Path other = dir.resolve("other-ca");
        Process script = new ProcessBuilder(
                        "bash",
                        Path.of("..", "ops", "security", "make-certs.sh").toString(),
                        other.toString(),
                        "someone")
                .redirectErrorStream(true)
                .start();
        assertThat(script.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue())
                .as(new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        Map<String, String> settings = new HashMap<>(kafka.kafkaSettings("ingest"));
        settings.put(
                "kafka.ssl.truststore.location", other.resolve("truststore.p12").toString());
        settings.put(
                "kafka.ssl.truststore.password",
                Files.readString(other.resolve("store.password")).strip());

        // Then the start fails on the TLS handshake, saying why
        assertThatThrownBy(() -> KafkaStartup.prepare(
                        KafkaClients.of(kafka.bootstrapServers(), settings), ServiceAccess.ingest(), (short) 1))
                .isInstanceOf(KafkaProblem.class)
                .hasMessageContaining("TLS handshake with Kafka at " + kafka.bootstrapServers() + " failed")
                .satisfies(
                        e -> assertThat(e.getMessage().toLowerCase(Locale.ROOT)).contains("certification path"));
    }

    @Test
    void shouldTellThatTheListenerSpeaksTlsToAPlaintextClient() {
        assertThatThrownBy(() -> KafkaStartup.prepare(
                        KafkaClients.of(kafka.bootstrapServers()), ServiceAccess.ingest(), (short) 1))
                .isInstanceOf(KafkaProblem.class)
                .hasMessageContaining("the listener at " + kafka.bootstrapServers() + " speaks TLS, but "
                        + "security.protocol is PLAINTEXT");
    }
}
