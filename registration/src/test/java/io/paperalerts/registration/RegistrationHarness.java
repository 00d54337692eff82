package io.paperalerts.registration;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.ingest.FileIngestor;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.ingest.format.HuggingFaceDailyPapersParser;
import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.local.EmbeddedSmtpServer;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.streams.backfill.BackfillRequests;
import io.paperalerts.testing.Markers;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * The whole system for registration tests: a real broker, the streams service with registration,
 * the notifier and a real SMTP server; links in emails point at this server.
 */
final class RegistrationHarness implements AutoCloseable {

    static final String SECRET = "a test secret, 32 bytes at least!";

    final RealKafka kafka;
    final RealSmtp smtp;
    final int port = EmbeddedSmtpServer.freePort();
    final AlertStreamsService streams;
    final AlertNotifier notifier;
    final RegistrationServer server;
    final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    RegistrationHarness(RealKafka kafka, RealSmtp smtp, Path stateDir, Map<String, Object> registrationOverrides)
            throws Exception {
        this(kafka, smtp, stateDir, registrationOverrides, Map.of());
    }

    RegistrationHarness(
            RealKafka kafka,
            RealSmtp smtp,
            Path stateDir,
            Map<String, Object> registrationOverrides,
            Map<String, Object> streamsOverrides)
            throws Exception {
        this.kafka = kafka;
        this.smtp = smtp;
        Map<String, Object> streamsConfig = new HashMap<>(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS,
                kafka.bootstrapServers(),
                StreamsServiceConfig.STATE_DIR,
                stateDir.toString(),
                StreamsServiceConfig.INSTANT_WINDOW_MS,
                300L,
                StreamsServiceConfig.CHECK_INTERVAL_MS,
                100L));
        streamsConfig.putAll(streamsOverrides);
        streams = new AlertStreamsService(new StreamsServiceConfig(streamsConfig)).start();
        Map<String, Object> notifierConfig = mail();
        // Its own folder: test classes run in two JVMs at once, and a delivery record has one owner.
        notifierConfig.put(
                NotifierConfig.STATE_DIR, stateDir.resolve("notifier").toString());
        notifier = new AlertNotifier(new NotifierConfig(notifierConfig), new AlertNotifier.Listener() {}).start();
        Map<String, Object> registration = mail();
        registration.put(RegistrationConfig.HTTP_PORT, port);
        registration.put(RegistrationConfig.MAX_PER_CLIENT, 1_000);
        registration.put(RegistrationConfig.MAX_ACTIONS_PER_CLIENT_PER_MINUTE, 10_000);
        // The tests' requests come through "a proxy" on loopback, so each can say which client it is
        registration.put(RegistrationConfig.TRUSTED_PROXIES, "127.0.0.1");
        registration.putAll(registrationOverrides);
        streams.awaitRunning(Duration.ofSeconds(60));
        server = new RegistrationServer(
                        new RegistrationConfig(registration),
                        streams,
                        streams,
                        BackfillRequests.of(50, Clock.systemUTC()),
                        Clock.systemUTC())
                .start();
    }

    private Map<String, Object> mail() {
        Map<String, Object> mail = new HashMap<>();
        mail.put(CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        mail.put(MailConfig.SMTP_HOST, smtp.host());
        mail.put(MailConfig.SMTP_PORT, smtp.port());
        mail.put(MailConfig.TOKEN_SECRET, SECRET);
        mail.put(MailConfig.LINKS_BASE_URL, "http://127.0.0.1:" + port);
        return mail;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    HttpResponse<String> get(String pathOrUrl) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(absolute(pathOrUrl))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String pathOrUrl, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(absolute(pathOrUrl)))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request with extra headers, e.g. what a browser adds on another site's page. */
    HttpResponse<String> send(String method, String path, String contentType, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(absolute(path)))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String json) throws Exception {
        return send("POST", path, "application/json", json);
    }

    private String absolute(String pathOrUrl) {
        return pathOrUrl.startsWith("http") ? pathOrUrl : url(pathOrUrl);
    }

    void publish(Paper paper) {
        kafka.produce(Topics.PAPERS, paper.getId(), paper);
    }

    /**
     * Positive control for "this paper alerted nobody (more)": publishes a marker paper on the same
     * partition of papers (so the same task matches it afterwards) for an active control
     * subscription, and returns once its alert is committed. Every alert the paper gave is then
     * on the alerts topic.
     */
    void awaitMatched(String paperId) {
        if (streams.subscription(CONTROL_ID).isEmpty()) {
            kafka.produce(
                    Topics.SUBSCRIPTIONS,
                    CONTROL_ID,
                    Subscription.newBuilder()
                            .setId(CONTROL_ID)
                            .setEmail(CONTROL_EMAIL)
                            .setQuery("xqzmarker")
                            .setDelivery(DeliveryMode.INSTANT)
                            .setStatus(SubscriptionStatus.ACTIVE)
                            .setCreated(Instant.now())
                            .build());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> streams.subscription(CONTROL_ID).isPresent());
        }
        String marker = Markers.besides(Topics.PAPERS, paperId, paperId + "-marker-");
        publish(paper(marker, "Xqzmarker"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> kafka.readToEnd(Topics.ALERTS).stream()
                        .anyMatch(a -> a.key().equals(CONTROL_EMAIL)
                                && a.value().getPaper().getId().equals(marker)));
    }

    /** Papers alerted to a recipient so far (committed). */
    List<String> alertedTo(String recipient) {
        return kafka.readToEnd(Topics.ALERTS).stream()
                .filter(a -> a.key().equals(recipient))
                .map(a -> a.value().getPaper().getId())
                .toList();
    }

    private static final String CONTROL_ID = "control-subscription";
    private static final String CONTROL_EMAIL = "control@example.org";

    void publishSamplePapers() throws Exception {
        try (var publisher = new PaperPublisher(
                        new IngestConfig(Map.of(CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers())));
                InputStream sample = RegistrationHarness.class.getResourceAsStream("/fixtures/hf-papers-page.jsonl")) {
            new FileIngestor(publisher).ingest(sample, "sample");
        }
    }

    /** The recorded Hugging Face daily papers (30, listed on 2026-06-12, with authors and upvotes), as ingest reads them. */
    List<Paper> publishRecordedDailyPapers() throws Exception {
        List<Paper> papers;
        try (InputStream in = RegistrationHarness.class.getResourceAsStream("/sources/hf-daily-papers.json")) {
            papers = HuggingFaceDailyPapersParser.parse(in.readAllBytes(), "hf-daily").stream()
                    .map(e -> ((PaperEntry.Parsed) e).paper())
                    .toList();
        }
        papers.forEach(this::publish);
        return papers;
    }

    static Paper paper(String id, String title) {
        return Paper.newBuilder()
                .setId(id)
                .setTitle(title)
                .setAbstractText("")
                .setSource("test")
                .build();
    }

    /** The first link in an email's text part that starts with the given path. */
    static String link(MimeMessage email, String path) throws Exception {
        String text =
                (String) ((MimeMultipart) email.getContent()).getBodyPart(0).getContent();
        Matcher link = Pattern.compile("http://127\\.0\\.0\\.1:\\d+" + Pattern.quote(path) + "\\?token=[\\w.%-]+")
                .matcher(text);
        if (!link.find()) {
            throw new AssertionError("No " + path + " link in: " + text);
        }
        return link.group();
    }

    /** The https (here http) link of the List-Unsubscribe header. */
    static String unsubscribeLink(MimeMessage email) throws Exception {
        String header = email.getHeader("List-Unsubscribe")[0];
        return header.substring(header.indexOf('<') + 1, header.indexOf('>'));
    }

    @Override
    public void close() {
        server.close();
        notifier.close();
        streams.close();
    }
}
