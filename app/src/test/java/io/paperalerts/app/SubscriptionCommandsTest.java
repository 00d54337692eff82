package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.local.EmbeddedSmtpServer;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.registration.RegistrationConfig;
import io.paperalerts.registration.RegistrationServer;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.streams.backfill.BackfillRequests;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.CompactedTopics;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code subscribe}, {@code list} and {@code unsubscribe}, on the topics and through the API. */
class SubscriptionCommandsTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    Path stateDir;

    private static Map<String, Subscription> subscriptions() {
        return CompactedTopics.latest(kafka.clients(), Topics.SUBSCRIPTIONS);
    }

    @Test
    void shouldSubscribeToTrendingPapersWithoutAQueryAndRefuseAnInstantOne() {
        Cli subscribed = Cli.run(
                "subscribe",
                "--email",
                "ops-trend@example.org",
                "--trending-top",
                "5",
                "--bootstrap-servers",
                kafka.bootstrapServers());
        assertThat(subscribed.exitCode()).as(subscribed.err()).isZero();
        assertThat(subscribed.out())
                .contains("subscribed ops-trend@example.org to the 5 most upvoted papers of each day");
        Subscription written = subscriptions().values().stream()
                .filter(s -> s.getEmail().equals("ops-trend@example.org"))
                .findFirst()
                .orElseThrow();
        assertThat(written.getTrendingTop()).isEqualTo(5);
        assertThat(written.getQuery()).isEmpty();
        assertThat(written.getDelivery()).isEqualTo(DeliveryMode.DAILY);
        Cli listed =
                Cli.run("list", "--email", "ops-trend@example.org", "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(listed.out()).contains(written.getId(), "daily", "trending: the 5 most upvoted papers of each day");

        Cli instant = Cli.run(
                "subscribe",
                "--email",
                "ops-trend2@example.org",
                "--trending-top",
                "5",
                "--delivery",
                "instant",
                "--bootstrap-servers",
                kafka.bootstrapServers());
        assertThat(instant.exitCode()).isNotZero();
        assertThat(instant.err()).contains("--delivery: a trending subscription ranks whole days");
        Cli noQuery = Cli.run(
                "subscribe", "--email", "ops-trend3@example.org", "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(noQuery.exitCode()).isNotZero();
        assertThat(noQuery.err()).contains("--query: empty query");
    }

    @Test
    void shouldSubscribeListAndUnsubscribeDirectlyOnTheTopicsForOperators() {
        Cli subscribed = Cli.run(
                "subscribe",
                "--email",
                "Ops-Ada@Example.org",
                "--query",
                "\"reward hacking\"",
                "--delivery",
                "daily",
                "--bootstrap-servers",
                kafka.bootstrapServers());
        assertThat(subscribed.exitCode()).as(subscribed.err()).isZero();
        Subscription written = subscriptions().values().stream()
                .filter(s -> s.getEmail().equals("ops-ada@example.org"))
                .findFirst()
                .orElseThrow();
        assertThat(written.getStatus()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(written.getDelivery()).isEqualTo(DeliveryMode.DAILY);
        assertThat(subscribed.out()).contains("subscribed ops-ada@example.org", written.getId());

        Cli listed = Cli.run("list", "--email", "ops-ada@example.org", "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(listed.out())
                .contains(written.getId(), "active", "daily", "\"reward hacking\"", "1 subscription(s)");

        Cli unsubscribed =
                Cli.run("unsubscribe", "--id", written.getId(), "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(unsubscribed.exitCode()).as(unsubscribed.err()).isZero();
        assertThat(subscriptions().get(written.getId()).getStatus()).isEqualTo(SubscriptionStatus.CANCELLED);

        Cli bad = Cli.run(
                "subscribe",
                "--email",
                "ops@example.org",
                "--query",
                "title:(oops",
                "--bootstrap-servers",
                kafka.bootstrapServers());
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("--query: unbalanced parentheses");
    }

    @Test
    void shouldForgetAnAddressOnTheTopicsAndAskTheServicesToEraseTheRest() throws Exception {
        // Given two subscriptions of an address, one of another, and a manage generation kept under the address
        for (String email : List.of("ops-forget@example.org", "ops-forget@example.org", "ops-kept@example.org")) {
            assertThat(Cli.run(
                                    "subscribe",
                                    "--email",
                                    email,
                                    "--query",
                                    "grpo",
                                    "--bootstrap-servers",
                                    kafka.bootstrapServers())
                            .exitCode())
                    .isZero();
        }
        kafka.produce(Topics.MANAGE_GENERATIONS, "ops-forget@example.org", "2");
        Path config = stateDir.resolve("services.properties");
        Files.writeString(config, "mail.token.secret=an operator's secret, 32 bytes or more\n");

        // When the operator forgets it (written as the subscriber might)
        Cli forgot = Cli.run(
                "forget",
                "Ops-Forget@Example.org",
                "--config",
                config.toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers());

        // Then its subscriptions and the address-keyed generation are tombstoned, the other address's stays
        assertThat(forgot.exitCode()).as(forgot.err()).isZero();
        assertThat(forgot.out()).contains("Forgot ops-forget@example.org: 2 subscription(s) removed");
        assertThat(subscriptions().values())
                .extracting(Subscription::getEmail)
                .doesNotContain("ops-forget@example.org")
                .contains("ops-kept@example.org");
        assertThat(CompactedTopics.latest(kafka.clients(), Topics.MANAGE_GENERATIONS))
                .doesNotContainKey("ops-forget@example.org")
                .containsValue("3");
        // And the streams service is asked to erase the rest, on the partition of the address's alerts
        assertThat(kafka.readToEnd(Topics.FORGET_REQUESTS)).singleElement().satisfies(request -> {
            assertThat(request.key()).isEqualTo("ops-forget@example.org");
            assertThat(request.partition()).isEqualTo(Topics.ALERTS.partitionOf("ops-forget@example.org"));
        });

        // And without the services' secret it refuses, saying which key it needs
        Cli refused = Cli.run("forget", "ops-kept@example.org", "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("forget needs the services' mail.token.secret");
        assertThat(subscriptions().values()).extracting(Subscription::getEmail).contains("ops-kept@example.org");
    }

    @Test
    void shouldRegisterThroughTheApiWithAConfirmationEmail() throws Exception {
        // Given a running streams service with registration
        int port = EmbeddedSmtpServer.freePort();
        String secret = "a test secret, 32 bytes at least!";
        var streams = new AlertStreamsService(new StreamsServiceConfig(Map.of(
                        CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                        StreamsServiceConfig.STATE_DIR, stateDir.toString())))
                .start();
        streams.awaitRunning(Duration.ofSeconds(60));
        try (streams;
                var server = new RegistrationServer(
                                new RegistrationConfig(Map.of(
                                        CommonConfig.BOOTSTRAP_SERVERS,
                                        kafka.bootstrapServers(),
                                        RegistrationConfig.HTTP_PORT,
                                        port,
                                        MailConfig.SMTP_HOST,
                                        smtp.host(),
                                        MailConfig.SMTP_PORT,
                                        smtp.port(),
                                        MailConfig.TOKEN_SECRET,
                                        secret,
                                        MailConfig.LINKS_BASE_URL,
                                        "http://127.0.0.1:" + port)),
                                streams,
                                streams,
                                BackfillRequests.of(50, Clock.systemUTC()),
                                Clock.systemUTC())
                        .start()) {
            String api = "http://127.0.0.1:" + server.port();

            // When an address subscribes through the API, a confirmation email goes out and it stays pending
            Cli subscribed = Cli.run("subscribe", "--email", "api-cli@example.org", "--query", "grpo", "--api", api);
            assertThat(subscribed.exitCode()).as(subscribed.err()).isZero();
            assertThat(subscribed.out()).contains("Check api-cli@example.org for a confirmation link");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> smtp.messagesTo("api-cli@example.org").size() == 1);
            Subscription pending =
                    streams.subscriptionsOf("api-cli@example.org").get(0);
            assertThat(pending.getStatus()).isEqualTo(SubscriptionStatus.PENDING);

            // And a refusal is reported with its reason
            Cli refused =
                    Cli.run("subscribe", "--email", "api-cli@example.org", "--query", "title:(oops", "--api", api);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("Refused (400): query: unbalanced parentheses");

            // When it asks to list, the owner gets a manage link by email rather than a list on screen
            Cli listed = Cli.run("list", "--email", "api-cli@example.org", "--api", api);
            assertThat(listed.exitCode()).as(listed.err()).isZero();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> smtp.messagesTo("api-cli@example.org").size() == 2);
            assertThat(smtp.messagesTo("api-cli@example.org").get(1).getSubject())
                    .isEqualTo("[paper-alerts] Manage your subscriptions");

            // And unsubscribing through the API needs that link's token
            Cli noToken = Cli.run("unsubscribe", "--id", pending.getId(), "--api", api);
            assertThat(noToken.exitCode()).isNotZero();
            assertThat(noToken.err()).contains("a manage token is required with --api", "--token-stdin");
            // (the emailed link: asking for it revoked any older one)
            String emailed = (String) ((MimeMultipart)
                            smtp.messagesTo("api-cli@example.org").get(1).getContent())
                    .getBodyPart(0)
                    .getContent();
            Matcher link = Pattern.compile("/manage\\?token=([\\w.%-]+)").matcher(emailed);
            assertThat(link.find()).as(emailed).isTrue();
            String token = URLDecoder.decode(link.group(1), StandardCharsets.UTF_8);
            // The token on standard input, not on the command line where ps shows it
            InputStream stdin = System.in;
            Cli unsubscribed;
            try {
                System.setIn(new ByteArrayInputStream((token + "\n").getBytes(StandardCharsets.UTF_8)));
                unsubscribed = Cli.run("unsubscribe", "--id", pending.getId(), "--token-stdin", "--api", api);
            } finally {
                System.setIn(stdin);
            }
            assertThat(unsubscribed.exitCode()).as(unsubscribed.err()).isZero();
            assertThat(streams.subscription(pending.getId())).isEmpty();
        }
    }
}
