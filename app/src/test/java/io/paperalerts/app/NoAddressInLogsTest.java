package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.mail.AddressHash;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.testing.JavaProcess;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.ScriptedSmtpServer;
import io.paperalerts.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every service's log of a pipeline run, each a process with the logging it ships with (text, and
 * JSON for the notifier), holds no email address, even where an SMTP server echoed one in the
 * reply it refused with; the line about that email names the recipient by its keyed hash.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NoAddressInLogsTest {

    private static final String SECRET = "a log test secret, 32 bytes long!";
    private static final String BOUNCING = "bounce.user@example.org";

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @TempDir
    Path dir;

    @Test
    void shouldLogNoAddressAndTheKeyedHashOfTheRecipientAServerRefused() throws Exception {
        // Given two subscribers, one whose server refuses it echoing the address
        subscribe("logs-good", "good.reader@example.org");
        subscribe("logs-bounce", BOUNCING);
        try (ScriptedSmtpServer smtp = ScriptedSmtpServer.start()) {
            smtp.script(
                    BOUNCING,
                    new ScriptedSmtpServer.Reply(550, "5.1.1 <" + BOUNCING + ">: Recipient address rejected"));
            Map<String, String> environment = Map.of(
                    "PAPER_ALERTS_BOOTSTRAP_SERVERS",
                    kafka.bootstrapServers(),
                    "PAPER_ALERTS_MAIL_TOKEN_SECRET",
                    SECRET,
                    "PAPER_ALERTS_SMTP_HOST",
                    "127.0.0.1",
                    "PAPER_ALERTS_SMTP_PORT",
                    String.valueOf(smtp.port()),
                    "PAPER_ALERTS_HTTP_PORT",
                    "0",
                    "PAPER_ALERTS_STREAMS_METRICS_PORT",
                    "0",
                    "PAPER_ALERTS_NOTIFIER_METRICS_PORT",
                    "0",
                    "PAPER_ALERTS_STREAMS_STATE_DIR",
                    dir.resolve("streams").toString(),
                    "PAPER_ALERTS_NOTIFIER_STATE_DIR",
                    dir.resolve("notifier").toString(),
                    "PAPER_ALERTS_DIGEST_INSTANT_WINDOW_MS",
                    "200");

            // When streams (text logs) and the notifier (JSON logs) run, and ingest publishes a matching paper
            List<JavaProcess> services = new ArrayList<>(List.of(
                    service("streams", environment, List.of("streams")),
                    service("notifier", withJsonLogs(environment), List.of("notifier"))));
            try {
                services.forEach(JavaProcess::start);
                Path papers = dir.resolve("papers.jsonl");
                Files.writeString(
                        papers, "{\"id\":\"logs-1\",\"title\":\"Reward hacking, logged\",\"abstract\":\"\"}\n");
                JavaProcess ingest = service("ingest", environment, List.of("ingest", "--file", papers.toString()))
                        .start();
                services.add(ingest);

                // Then the good reader's email is sent and the bouncing one given up
                await().atMost(Duration.ofMinutes(2))
                        .until(() -> !smtp.messagesTo("good.reader@example.org").isEmpty()
                                && smtp.attempts(BOUNCING) > 0
                                && logOf("notifier").contains("Giving up"));
                await().atMost(Duration.ofSeconds(30)).until(() -> ingest.exitCode() != null);
                // (a line every service writes, so that each log below is known to be written to)
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> logOf("streams").contains("streams ready")
                                && logOf("notifier").contains("notifier ready"));
            } finally {
                services.forEach(s -> s.stop(Duration.ofSeconds(10)));
            }
        }

        // And no log line of any service holds an address; the refusal names the recipient's keyed hash
        String hash = new AddressHash(SECRET.getBytes(StandardCharsets.UTF_8)).of(BOUNCING);
        Map<String, String> written =
                Map.of("streams", "streams ready", "notifier", "notifier ready", "ingest", "1 papers published");
        for (String service : List.of("streams", "notifier", "ingest")) {
            assertThat(logOf(service))
                    .as(service)
                    .contains(written.get(service))
                    .doesNotContain("@example.org");
        }
        assertThat(logOf("notifier"))
                .contains(
                        "\"recipient.hash\":\"" + hash + "\"",
                        "to recipient " + hash + ", papers logs-1",
                        "Recipient address rejected");
    }

    private static void subscribe(String id, String email) {
        kafka.produce(
                Topics.SUBSCRIPTIONS,
                id,
                Subscription.newBuilder()
                        .setId(id)
                        .setEmail(email)
                        .setQuery("reward hacking")
                        .setDelivery(DeliveryMode.INSTANT)
                        .setStatus(SubscriptionStatus.ACTIVE)
                        .setCreated(Instant.now())
                        .build());
    }

    private static Map<String, String> withJsonLogs(Map<String, String> environment) {
        Map<String, String> json = new HashMap<>(environment);
        json.put("PAPER_ALERTS_LOG_FORMAT", "json");
        return json;
    }

    /** A service as it runs in production: its own process, with the log configuration the jar ships. */
    private JavaProcess service(String name, Map<String, String> environment, List<String> command) {
        return new JavaProcess(
                        name,
                        dir.resolve(name + ".log"),
                        List.of("-Dlog4j2.configurationFile=log4j2.properties"),
                        PaperAlertsCommand.class.getName(),
                        command)
                .environment(environment);
    }

    private String logOf(String service) throws IOException {
        Path log = dir.resolve(service + ".log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
