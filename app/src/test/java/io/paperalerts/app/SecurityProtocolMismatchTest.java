package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.testing.JavaProcess;
import io.paperalerts.testing.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service told to speak SASL_SSL to a plaintext-only broker, as each runs in production: a
 * process of its own with its settings in the environment. Each exits non-zero within a minute,
 * saying that the listener does not speak TLS, instead of retrying for ever.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecurityProtocolMismatchTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @TempDir
    Path dir;

    @Test
    void shouldExitEachServiceWithinAMinuteNamingTheProtocolWhenTheBrokerSpeaksPlaintext() throws Exception {
        // Given the environment of a SASL_SSL deployment, pointed at a plaintext broker
        Map<String, String> environment = Map.of(
                "PAPER_ALERTS_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(),
                "PAPER_ALERTS_KAFKA_SECURITY_PROTOCOL",
                "SASL_SSL",
                "PAPER_ALERTS_KAFKA_SASL_MECHANISM",
                "SCRAM-SHA-512",
                "PAPER_ALERTS_KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
                "PAPER_ALERTS_MAIL_TOKEN_SECRET",
                "a test secret, 32 bytes at least!",
                "PAPER_ALERTS_HTTP_PORT",
                "0",
                "PAPER_ALERTS_NOTIFIER_METRICS_PORT",
                "0",
                "PAPER_ALERTS_INGEST_METRICS_PORT",
                "0");

        // When streams, notifier and ingest run start, each in a process of its own
        List<JavaProcess> services = new ArrayList<>();
        for (List<String> command : List.of(List.of("streams"), List.of("notifier"), List.of("ingest", "run"))) {
            services.add(new JavaProcess(
                            command.get(0),
                            dir.resolve(command.get(0) + ".log"),
                            List.of(),
                            PaperAlertsCommand.class.getName(),
                            command)
                    .environment(environment)
                    .start());
        }
        try {
            // Then each exits non-zero within 60 s of its start, and says what is wrong in one line
            for (JavaProcess service : services) {
                await().atMost(Duration.ofSeconds(60).minus(Duration.between(service.startedAt(), Instant.now())))
                        .until(() -> service.exitCode() != null);
                String log = Files.readString(dir.resolve(service.name() + ".log"), StandardCharsets.UTF_8);
                assertThat(service.exitCode()).as(log).isNotZero();
                assertThat(log)
                        .as(service.name())
                        .contains("Error: Cannot reach Kafka at " + kafka.bootstrapServers()
                                + " over SASL_SSL: the listener at " + kafka.bootstrapServers() + " does not speak TLS")
                        .doesNotContain("Unknown configuration key")
                        .doesNotContain("\tat ");
            }
        } finally {
            services.forEach(JavaProcess::close);
        }
    }
}
