package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paperalerts.kafka.KafkaProblem;
import io.paperalerts.kafka.KafkaStartup;
import io.paperalerts.kafka.ServiceAccess;
import io.paperalerts.local.EmbeddedSmtpServer;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.registration.RegistrationConfig;
import io.paperalerts.registration.RegistrationServer;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.streams.backfill.BackfillRequests;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.testing.SecuredKafka;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.AclCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline (registration with its double opt-in, ingest, matching, the notifier and a
 * real SMTP server) on a broker that allows nothing no ACL allows: each service is its own
 * principal, with only the ACLs {@code paper-alerts acls} gives it, once over SASL_SSL with
 * SCRAM-SHA-512 and once over mutual TLS.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SecuredPipelineTest {

    private static final String SECRET = "a test secret, 32 bytes at least!";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    Path dir;

    @Test
    void shouldAlertASubscriberWhenEveryServiceAuthenticatesWithScramAndHasOnlyItsAcls() throws Exception {
        try (SecuredKafka kafka = SecuredKafka.scram()) {
            runPipeline(kafka, "scram", true);
        }
    }

    @Test
    void shouldAlertASubscriberWhenEveryServiceAuthenticatesWithItsClientCertificate() throws Exception {
        try (SecuredKafka kafka = SecuredKafka.mutualTls()) {
            runPipeline(kafka, "mtls", false);
        }
    }

    /**
     * @param kafkaAcls the ACLs made by running the kafka-acls commands {@code paper-alerts acls}
     *     prints, with Kafka's own tool, rather than by its {@code --apply}
     */
    private void runPipeline(SecuredKafka kafka, String run, boolean kafkaAcls) throws Exception {
        // Given the catalogue's topics and the ACLs of paper-alerts acls, made by the administrator
        Path admin = kafka.configFile(dir, "admin", Map.of());
        Cli topics = Cli.run("topics", "--config", admin.toString());
        assertThat(topics.exitCode()).as(topics.err()).isZero();
        if (kafkaAcls) {
            runKafkaAcls(kafka);
        } else {
            Cli acls = Cli.run(
                    "acls",
                    "--config",
                    admin.toString(),
                    "--ingest",
                    "User:ingest",
                    "--streams",
                    "User:streams",
                    "--notifier",
                    "User:notifier",
                    "--apply");
            assertThat(acls.exitCode()).as(acls.err()).isZero();
        }

        // And each service started as its own principal (the streams user's password read from a file)
        int port = EmbeddedSmtpServer.freePort();
        Map<String, Object> mail = Map.of(
                MailConfig.SMTP_HOST,
                smtp.host(),
                MailConfig.SMTP_PORT,
                smtp.port(),
                MailConfig.TOKEN_SECRET,
                SECRET,
                MailConfig.LINKS_BASE_URL,
                "http://127.0.0.1:" + port);
        Map<String, Object> streamsSettings = new HashMap<>(kafka.settings("streams"));
        streamsSettings.put(
                StreamsServiceConfig.STATE_DIR, dir.resolve("streams").toString());
        streamsSettings.put(StreamsServiceConfig.INSTANT_WINDOW_MS, 300L);
        streamsSettings.put(StreamsServiceConfig.CHECK_INTERVAL_MS, 100L);
        Map<String, Object> registrationSettings = new HashMap<>(kafka.settings("streams"));
        registrationSettings.putAll(mail);
        registrationSettings.put(RegistrationConfig.HTTP_PORT, port);
        Map<String, Object> notifierSettings = new HashMap<>(kafka.settings("notifier"));
        notifierSettings.putAll(mail);
        notifierSettings.put(NotifierConfig.STATE_DIR, dir.resolve("notifier").toString());
        try (AlertStreamsService streams = new AlertStreamsService(new StreamsServiceConfig(streamsSettings)).start();
                AlertNotifier notifier = new AlertNotifier(
                                new NotifierConfig(notifierSettings), new AlertNotifier.Listener() {})
                        .start()) {
            streams.awaitRunning(Duration.ofSeconds(90));
            try (RegistrationServer registration = new RegistrationServer(
                            new RegistrationConfig(registrationSettings),
                            streams,
                            streams,
                            BackfillRequests.of(50, Clock.systemUTC()),
                            Clock.systemUTC())
                    .start()) {

                // When someone registers through the API and confirms from the email
                assertThat(registration.port()).isEqualTo(port);
                String email = run + "-reader@example.org";
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> registered = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/subscriptions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"email\":\"" + email + "\",\"query\":\"\\\"reward hacking\\\"\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(registered.statusCode()).as(registered.body()).isEqualTo(202);
                String id = JSON.readTree(registered.body()).get("id").asText();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> !smtp.messagesTo(email).isEmpty());
                String token = confirmToken(smtp.messagesTo(email).get(0));
                HttpResponse<String> confirmed = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/confirm"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("token=" + token))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(confirmed.body()).contains("Your subscription is active");
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> streams.subscription(id)
                                .map(s -> s.getStatus() == SubscriptionStatus.ACTIVE)
                                .orElse(false));

                // And ingest publishes a matching paper from a file, as User:ingest
                Path papers = dir.resolve(run + "-papers.jsonl");
                Files.writeString(
                        papers,
                        "{\"id\":\"" + run + "-p1\",\"title\":\"Reward Hacking on a Secured Cluster\","
                                + "\"abstract\":\"Over TLS.\"}\n",
                        StandardCharsets.UTF_8);
                Cli ingest = Cli.run(
                        "ingest",
                        "--config",
                        kafka.configFile(dir, "ingest", Map.of()).toString(),
                        "--file",
                        papers.toString());
                assertThat(ingest.exitCode()).as(ingest.err()).isZero();

                // Then the subscriber is emailed the paper
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> smtp.messagesTo(email).size() >= 2);
                assertThat(smtp.messagesTo(email).get(1).getSubject()).contains("Reward Hacking on a Secured Cluster");
                assertThat(notifier.crash()).as("the notifier's loop").isNull();
            }
        }

        // And each principal has only its own access: ingest may not read subscribers' addresses
        assertThatThrownBy(() -> RealKafka.readToEnd(kafka.clients("ingest"), Topics.SUBSCRIPTIONS))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> KafkaStartup.prepare(
                        kafka.clients("ingest"), ServiceAccess.notifier("paper-alerts-notifier"), (short) 1))
                .isInstanceOf(KafkaProblem.class)
                .hasMessageContaining("is not authorized to READ topic digests")
                .hasMessageContaining("READ group paper-alerts-notifier");
    }

    /** Runs each printed kafka-acls command with Kafka's AclCommand, its admin client as the administrator. */
    private void runKafkaAcls(SecuredKafka kafka) throws Exception {
        Path commandConfig = dir.resolve("admin-client.properties");
        StringBuilder properties = new StringBuilder();
        kafka.kafkaSettings("admin")
                .forEach((key, value) -> properties
                        .append(key.substring("kafka.".length()))
                        .append('=')
                        .append(value.replace("\\", "\\\\"))
                        .append('\n'));
        Files.writeString(commandConfig, properties, StandardCharsets.UTF_8);
        Cli printed = Cli.run(
                "acls",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--command-config",
                commandConfig.toString(),
                "--ingest",
                "User:ingest",
                "--streams",
                "User:streams",
                "--notifier",
                "User:notifier");
        assertThat(printed.exitCode()).as(printed.err()).isZero();
        List<String> commands = printed.out().lines().toList();
        assertThat(commands).hasSizeGreaterThan(10).allMatch(line -> line.startsWith("kafka-acls.sh "));
        Exit.setExitProcedure((status, message) -> {
            throw new AssertionError("kafka-acls exited " + status + ": " + message);
        });
        try {
            for (String command : commands) {
                AclCommand.main(command.substring("kafka-acls.sh ".length()).split(" "));
            }
        } finally {
            Exit.resetExitProcedure();
        }
    }

    private static String confirmToken(MimeMessage email) throws Exception {
        String text =
                (String) ((MimeMultipart) email.getContent()).getBodyPart(0).getContent();
        Matcher link = Pattern.compile("/confirm\\?token=([\\w.%-]+)").matcher(text);
        assertThat(link.find()).as(text).isTrue();
        return link.group(1);
    }
}
