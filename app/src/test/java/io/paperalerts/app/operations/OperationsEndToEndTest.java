package io.paperalerts.app.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.ingest.format.HuggingFaceDailyPapersParser;
import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.ingest.source.SourceScheduler;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.kafka.KafkaStartup;
import io.paperalerts.kafka.ServiceAccess;
import io.paperalerts.local.EmbeddedKafkaBroker;
import io.paperalerts.local.EmbeddedSmtpServer;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.operations.BrokerCheck;
import io.paperalerts.operations.OperationsServer;
import io.paperalerts.operations.ServiceMetrics;
import io.paperalerts.registration.RegistrationConfig;
import io.paperalerts.registration.RegistrationServer;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.MatchAlerts;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.streams.backfill.BackfillRequests;
import io.paperalerts.testing.LocalHttpServer;
import io.paperalerts.testing.ScriptedSmtpServer;
import io.paperalerts.topics.Topics;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What operators see, through a real broker and SMTP server: each service's {@code /metrics}
 * counts what happened (the matcher over the recorded Hugging Face papers is the oracle), the
 * latency histogram has a sample per email, and {@code /health/ready} turns not-ready within 10 s
 * of the broker stopping and ready again once it is back, while {@code /health/live} stays up.
 */
class OperationsEndToEndTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of a metric's samples whose labels contain {@code label} (e.g. source="hf-daily"). */
    static double value(String scrape, String name, String label) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$")
                .matcher(scrape);
        double sum = 0;
        boolean found = false;
        while (line.find()) {
            if (label == null || (line.group(1) != null && line.group(1).contains(label))) {
                sum += Double.parseDouble(line.group(2));
                found = true;
            }
        }
        assertThat(found)
                .as("%s%s in the scrape", name, label == null ? "" : "{" + label + "}")
                .isTrue();
        return sum;
    }

    /** The metrics the Grafana dashboard and the Prometheus alert rules of the compose stack name. */
    static Set<String> referencedMetrics() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String named = Files.readString(root.resolve("ops/grafana/dashboards/paper-alerts.json"))
                + Files.readString(root.resolve("ops/prometheus/alerts.yml"));
        Set<String> metrics = new HashSet<>();
        Matcher metric = Pattern.compile("\\b((?:paper_alerts|kafka|jvm|process)_[a-z0-9_]+)")
                .matcher(named);
        while (metric.find()) {
            metrics.add(metric.group(1));
        }
        return metrics;
    }

    private static Subscription subscription(String id, String email, String query) {
        return Subscription.newBuilder()
                .setId(id)
                .setEmail(email)
                .setQuery(query)
                .setDelivery(DeliveryMode.INSTANT)
                .setStatus(SubscriptionStatus.ACTIVE)
                .setCreated(Instant.now())
                .build();
    }

    @Test
    @Timeout(240)
    void shouldCountWhatHappenedAndTurnNotReadyWhileTheBrokerIsDown() throws Exception {
        // Given a broker, an SMTP server that refuses one address for good, and the recorded day's papers
        int brokerPort = EmbeddedSmtpServer.freePort();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), brokerPort);
        String bootstrap = broker.bootstrapServers();
        byte[] recorded;
        try (InputStream in = getClass().getResourceAsStream("/sources/hf-daily-papers.json")) {
            recorded = in.readAllBytes();
        }
        List<Paper> papers = HuggingFaceDailyPapersParser.parse(recorded, "hf-daily").stream()
                .map(e -> ((PaperEntry.Parsed) e).paper())
                .toList();
        HttpServer feed = LocalHttpServer.serving("/api/daily_papers", "application/json", () -> recorded);
        try (ScriptedSmtpServer smtp = ScriptedSmtpServer.start();
                BrokerCheck check = new BrokerCheck(KafkaClients.of(bootstrap))) {
            smtp.script("refused@example.org", new ScriptedSmtpServer.Reply(550, "5.1.1 No such user"));
            Map<String, Object> mail = Map.of(
                    CommonConfig.BOOTSTRAP_SERVERS,
                    bootstrap,
                    MailConfig.SMTP_HOST,
                    "127.0.0.1",
                    MailConfig.SMTP_PORT,
                    smtp.port(),
                    MailConfig.TOKEN_SECRET,
                    "an operations test secret, 32 bytes");

            // And the three services, each with its metrics and health
            PrometheusMeterRegistry streamsMetrics = ServiceMetrics.create("streams");
            AlertStreamsService streams = new AlertStreamsService(new StreamsServiceConfig(Map.of(
                            CommonConfig.BOOTSTRAP_SERVERS,
                            bootstrap,
                            StreamsServiceConfig.STATE_DIR,
                            dir.resolve("streams").toString(),
                            StreamsServiceConfig.INSTANT_WINDOW_MS,
                            3_000L,
                            StreamsServiceConfig.CHECK_INTERVAL_MS,
                            200L)))
                    .start();
            streams.bindTo(streamsMetrics);
            streams.awaitRunning(Duration.ofSeconds(60));
            int webPort = EmbeddedSmtpServer.freePort();
            Map<String, Object> web = new HashMap<>(mail);
            web.put(RegistrationConfig.HTTP_PORT, webPort);
            RegistrationServer registration = new RegistrationServer(
                            new RegistrationConfig(web),
                            streams,
                            streams,
                            BackfillRequests.of(50, Clock.systemUTC()),
                            Clock.systemUTC())
                    .start();
            OperationsServer streamsOps =
                    OperationsServer.start(EmbeddedSmtpServer.freePort(), streamsMetrics, streams.health(check));

            PrometheusMeterRegistry notifierMetrics = ServiceMetrics.create("notifier");
            Map<String, Object> notifierConfig = new HashMap<>(mail);
            notifierConfig.put(NotifierConfig.STATE_DIR, dir.resolve("notifier").toString());
            AlertNotifier notifier =
                    new AlertNotifier(new NotifierConfig(notifierConfig), new AlertNotifier.Listener() {});
            notifier.bindTo(notifierMetrics);
            OperationsServer notifierOps =
                    OperationsServer.start(EmbeddedSmtpServer.freePort(), notifierMetrics, notifier.health(check));
            notifier.start();

            IngestConfig ingestConfig = new IngestConfig(Map.of(
                    CommonConfig.BOOTSTRAP_SERVERS,
                    bootstrap,
                    IngestConfig.SOURCES,
                    "hf-daily",
                    IngestConfig.HF_URL,
                    "http://127.0.0.1:" + feed.getAddress().getPort() + "/api/daily_papers",
                    IngestConfig.DELIVERY_TIMEOUT_MS,
                    5_000,
                    // Polled once, at start: the counts below are of one poll.
                    IngestConfig.HF_INTERVAL_MS,
                    3_600_000L));
            // Ingest's start-up step, as 'ingest run' takes it: its topics exist before it publishes.
            KafkaStartup.prepare(KafkaClients.of(ingestConfig), ServiceAccess.ingest(), (short) 1);
            PaperPublisher publisher = new PaperPublisher(ingestConfig);
            SourceScheduler ingest = new SourceScheduler(ingestConfig, publisher);
            PrometheusMeterRegistry ingestMetrics = ServiceMetrics.create("ingest");
            ingest.bindTo(ingestMetrics);
            publisher.bindTo(ingestMetrics);
            OperationsServer ingestOps =
                    OperationsServer.start(EmbeddedSmtpServer.freePort(), ingestMetrics, ingest.health(check));
            String streamsUrl = "http://127.0.0.1:" + streamsOps.port();
            String notifierUrl = "http://127.0.0.1:" + notifierOps.port();
            String ingestUrl = "http://127.0.0.1:" + ingestOps.port();
            try {
                List<Subscription> subscriptions = List.of(
                        subscription("ops-1", "good@example.org", "agent"),
                        subscription("ops-2", "refused@example.org", "reasoning"));
                try (var producer = KafkaClients.of(bootstrap)
                        .producer(
                                Map.of(),
                                Topics.SUBSCRIPTIONS.keySerde().serializer(),
                                Topics.SUBSCRIPTIONS.valueSerde().serializer())) {
                    for (Subscription s : subscriptions) {
                        producer.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS.name(), s.getId(), s))
                                .get();
                    }
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> streams.activeSubscriptions() == 2);
                SubscriptionMatcher oracle = new SubscriptionMatcher();
                subscriptions.forEach(s -> oracle.update(s.getId(), s));
                Set<String> matchedPapers = new HashSet<>();
                Set<String> pairs = new HashSet<>();
                for (Paper paper : papers) {
                    oracle.match(paper).forEach(m -> {
                        matchedPapers.add(paper.getId());
                        pairs.add(MatchAlerts.recipient(m) + " " + paper.getId());
                    });
                }

                // When ingest starts, and polls the source once
                ingest.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> ingest.metrics("hf-daily").lastSuccess != null);

                // Then, once both emails were tried, the counters say what happened
                await().atMost(Duration.ofSeconds(60)).until(() -> notifier.emails() + notifier.gaveUp() == 2);
                String ingested = get(ingestUrl + "/metrics").body();
                assertThat(value(ingested, "paper_alerts_papers_fetched_total", "source=\"hf-daily\""))
                        .isEqualTo(30);
                assertThat(value(ingested, "paper_alerts_papers_published_total", "source=\"hf-daily\""))
                        .isEqualTo(30);
                assertThat(value(ingested, "paper_alerts_papers_rejected_total", "source=\"hf-daily\""))
                        .isZero();
                assertThat(ingested).contains("kafka_producer_");
                assertThat(value(ingested, "paper_alerts_source_last_success_seconds", "source=\"hf-daily\""))
                        .isGreaterThan((double) Instant.now().minusSeconds(120).getEpochSecond());
                String matched = get(streamsUrl + "/metrics").body();
                assertThat(value(matched, "paper_alerts_papers_matched_total", null))
                        .isEqualTo(matchedPapers.size());
                assertThat(value(matched, "paper_alerts_alerts_emitted_total", null))
                        .isEqualTo(pairs.size());
                assertThat(value(matched, "paper_alerts_digests_emitted_total", null))
                        .isEqualTo(2);
                assertThat(matched).contains("kafka_stream_");
                String sent = get(notifierUrl + "/metrics").body();
                assertThat(value(sent, "paper_alerts_emails_sent_total", null)).isEqualTo(1);
                assertThat(value(sent, "paper_alerts_emails_failed_total", null))
                        .isEqualTo(1);
                assertThat(value(sent, "paper_alerts_end_to_end_latency_seconds_count", null))
                        .isEqualTo(1);
                assertThat(value(sent, "paper_alerts_smtp_send_seconds_count", null))
                        .isEqualTo(1);
                assertThat(sent).contains("kafka_consumer_", "jvm_memory_used_bytes");
                assertThat(smtp.messagesTo("good@example.org")).hasSize(1);
                // And every metric the dashboard and the alert rules name is one the services export
                Set<String> exported = new HashSet<>();
                Matcher name =
                        Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(ingested + matched + sent);
                while (name.find()) {
                    exported.add(name.group(1));
                }
                Set<String> missing = new TreeSet<>(referencedMetrics());
                missing.removeAll(exported);
                assertThat(referencedMetrics()).isNotEmpty();
                assertThat(missing)
                        .as("metrics the dashboard or the alert rules name that no service exports")
                        .isEmpty();

                // And every service is live and ready
                for (String url : List.of(streamsUrl, notifierUrl, ingestUrl)) {
                    assertThat(get(url + "/health/live").statusCode()).as(url).isEqualTo(200);
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> get(url + "/health/ready").statusCode() == 200);
                }

                // When the broker stops
                broker.close();

                // Then each turns not ready within 10 s, says why, and stays live
                for (String url : List.of(streamsUrl, notifierUrl, ingestUrl)) {
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> get(url + "/health/ready").statusCode() == 503);
                    assertThat(get(url + "/health/ready").body()).contains("NOT_READY", "Kafka");
                    assertThat(get(url + "/health/live").statusCode()).as(url).isEqualTo(200);
                }

                // And when it is back, each is ready again
                broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), brokerPort);
                for (String url : List.of(streamsUrl, notifierUrl, ingestUrl)) {
                    await().atMost(Duration.ofSeconds(90))
                            .until(() -> get(url + "/health/ready").statusCode() == 200);
                }
                // And none of it is on the public web port, nor on an address other hosts reach
                assertThat(get("http://127.0.0.1:" + webPort + "/metrics").statusCode())
                        .isEqualTo(404);
                assertThat(streamsOps.address().getAddress().isLoopbackAddress())
                        .isTrue();
            } finally {
                streamsOps.close();
                ingestOps.close();
                notifierOps.close();
                ingest.close();
                publisher.close();
                notifier.close();
                registration.close();
                streams.close();
                broker.close();
                feed.stop(0);
            }
        }
    }
}
