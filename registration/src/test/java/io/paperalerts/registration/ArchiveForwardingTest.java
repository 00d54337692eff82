package io.paperalerts.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.feedback.FeedbackKeys;
import io.paperalerts.local.EmbeddedSmtpServer;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.queries.MatchArchive;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Opinion;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.streams.backfill.BackfillRequests;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two streams instances, each with its web server, share the archive store's partitions: either
 * instance answers for any subscription, the one that does not hold it by forwarding the request
 * to the one that does (its {@code streams.application.server}), conditional GETs included.
 */
class ArchiveForwardingTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    Path stateDirs;

    private final HttpClient http = HttpClient.newHttpClient();

    private record Instance(AlertStreamsService streams, RegistrationServer web, int port) implements AutoCloseable {
        @Override
        public void close() {
            web.close();
            streams.close();
        }
    }

    private Instance instance(String name) throws Exception {
        int port = EmbeddedSmtpServer.freePort();
        AlertStreamsService streams = new AlertStreamsService(new StreamsServiceConfig(Map.of(
                        CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                        StreamsServiceConfig.STATE_DIR, stateDirs.resolve(name).toString(),
                        StreamsServiceConfig.APPLICATION_SERVER, "127.0.0.1:" + port)))
                .start();
        RegistrationServer web = new RegistrationServer(
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
                        RegistrationHarness.SECRET,
                        MailConfig.LINKS_BASE_URL,
                        "http://127.0.0.1:" + port)),
                streams,
                streams,
                BackfillRequests.of(50, Clock.systemUTC()),
                Clock.systemUTC());
        return new Instance(streams, web.start(), port);
    }

    /** Until both instances answer the page with 200 and the same body, which contains {@code text}. */
    private void awaitSamePage(Instance first, Instance second, String path, String text) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            HttpResponse<String> a = get(first, path, null);
            HttpResponse<String> b = get(second, path, null);
            return a.statusCode() == 200
                    && b.statusCode() == 200
                    && a.body().equals(b.body())
                    && a.body().contains(text);
        });
    }

    private HttpResponse<String> get(Instance instance, String path, String ifNoneMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + path));
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerForEverySubscriptionFromEitherInstance() throws Exception {
        try (Instance first = instance("first");
                Instance second = instance("second")) {
            first.streams().awaitRunning(Duration.ofSeconds(60));
            second.streams().awaitRunning(Duration.ofSeconds(60));
            // Given recipients on every partition of the archive, each with a subscription and one match
            List<Subscription> subscriptions = new ArrayList<>();
            Set<Integer> partitions = new HashSet<>();
            for (int i = 0; partitions.size() < Topics.ALERTS.partitions(); i++) {
                String email = "reader-" + i + "@example.org";
                if (partitions.add(Topics.ALERTS.partitionOf(email))) {
                    Subscription s = Subscription.newBuilder()
                            .setId("fwd-" + i)
                            .setEmail(email)
                            .setQuery("forwarding")
                            .setDelivery(DeliveryMode.INSTANT)
                            .setStatus(SubscriptionStatus.ACTIVE)
                            .setCreated(Instant.now())
                            .setArchiveToken(SubscriptionRules.newArchiveToken())
                            .build();
                    kafka.produce(Topics.SUBSCRIPTIONS, s.getId(), s);
                    subscriptions.add(s);
                }
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> subscriptions.stream()
                            .allMatch(s -> first.streams()
                                            .subscription(s.getId())
                                            .isPresent()
                                    && second.streams().subscription(s.getId()).isPresent()));
            kafka.produce(
                    Topics.PAPERS,
                    "fwd-paper",
                    RegistrationHarness.paper("fwd-paper", "Request forwarding, revisited"));

            // Then each instance answers for every subscription with the same page
            for (Subscription s : subscriptions) {
                String path = "/archive/" + s.getId() + "/" + s.getArchiveToken();
                awaitSamePage(first, second, path, "Request forwarding, revisited");
                // And a feed forwarded keeps its ETag, and 304 comes back through the forwarding too
                HttpResponse<String> feed = get(first, path + "/atom", null);
                String etag = feed.headers().firstValue("ETag").orElseThrow();
                assertThat(get(second, path + "/atom", null).headers().firstValue("ETag"))
                        .contains(etag);
                assertThat(get(first, path + "/atom", etag).statusCode()).isEqualTo(304);
                assertThat(get(second, path + "/atom", etag).statusCode()).isEqualTo(304);
            }
            // And when every reader says "more like this" of the paper (as registration writes it, to
            // the partition of the reader's alerts), both instances answer with its ranked page:
            // the model is learnt where the reader's task is, and read there by the forwarded request
            for (Subscription s : subscriptions) {
                kafka.produce(
                        Topics.FEEDBACK,
                        FeedbackKeys.partition(s.getEmail()),
                        FeedbackKeys.key(s.getEmail(), "fwd-paper"),
                        new Feedback(
                                s.getEmail(),
                                "fwd-paper",
                                Opinion.MORE,
                                "Request forwarding, revisited",
                                Instant.now()));
            }
            for (Subscription s : subscriptions) {
                awaitSamePage(
                        first, second, "/archive/" + s.getId() + "/" + s.getArchiveToken(), "each page in your order");
            }

            // And both instances held some archives and forwarded others (the assignment is split)
            assertThat(subscriptions)
                    .anySatisfy(s -> assertThat(first.streams().locate(s.getEmail()))
                            .isInstanceOf(MatchArchive.Elsewhere.class));
            assertThat(subscriptions)
                    .anySatisfy(s -> assertThat(second.streams().locate(s.getEmail()))
                            .isInstanceOf(MatchArchive.Elsewhere.class));

            // And a wrong address answers 404 from either, forwarded or not
            assertThat(get(first, "/archive/" + subscriptions.get(0).getId() + "/wrong", null)
                            .statusCode())
                    .isEqualTo(404);
            assertThat(get(second, "/archive/no-such-subscription/x/json", null).statusCode())
                    .isEqualTo(404);
        }
    }
}
