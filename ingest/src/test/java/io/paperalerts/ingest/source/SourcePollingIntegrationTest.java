package io.paperalerts.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.Topics;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sources served by a real local HTTP server, published to a real broker. */
class SourcePollingIntegrationTest {

    /** A fresh broker per test: each test counts what is on the topics. */
    @RegisterExtension
    final RealKafka kafka = new RealKafka();

    private HttpServer server;
    private final Map<String, Deque<Reply>> replies = new HashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String lastUserAgent;

    private record Reply(int status, Map<String, String> headers, byte[] body) {}

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            lastUserAgent = exchange.getRequestHeaders().getFirst("User-Agent");
            Deque<Reply> queue = replies.get(exchange.getRequestURI().getPath());
            Reply reply = queue == null || queue.isEmpty()
                    ? new Reply(404, Map.of(), new byte[0])
                    : queue.size() > 1 ? queue.poll() : queue.peek();
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void serve(String path, Reply... sequence) {
        replies.put(path, new ArrayDeque<>(List.of(sequence)));
    }

    private static Reply ok(byte[] body) {
        return new Reply(200, Map.of(), body);
    }

    private static byte[] fixture(String name) throws Exception {
        try (InputStream in = SourcePollingIntegrationTest.class.getResourceAsStream("/sources/" + name)) {
            return in.readAllBytes();
        }
    }

    private IngestConfig config(String sources) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return new IngestConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS,
                kafka.bootstrapServers(),
                IngestConfig.SOURCES,
                sources,
                IngestConfig.ARXIV_API_URL,
                base + "/api/query",
                IngestConfig.ARXIV_API_PAGE_SIZE,
                5,
                IngestConfig.ARXIV_RSS_URL,
                base + "/rss",
                IngestConfig.ARXIV_RSS_CATEGORIES,
                "cs.LG,cs.AI",
                IngestConfig.HF_URL,
                base + "/api/daily_papers",
                IngestConfig.HTTP_BACKOFF_INITIAL_MS,
                50L,
                IngestConfig.HTTP_RETRIES,
                3,
                IngestConfig.HTTP_USER_AGENT,
                "paper-alerts-test (mailto:test@example.org)"));
    }

    private boolean pollOnce(IngestConfig config, String source) throws Exception {
        try (PaperPublisher publisher = new PaperPublisher(config);
                SourceScheduler scheduler = new SourceScheduler(config, publisher)) {
            boolean ok = scheduler.pollOnce(source);
            lastMetrics = scheduler.metrics(source);
            return ok;
        }
    }

    private SourcePoller.Metrics lastMetrics;

    /** Everything on a topic: a poll returns once its sends are acknowledged, so all it wrote is there. */
    private <K, V> List<ConsumerRecord<K, V>> all(Topic<K, V> topic) {
        return kafka.readToEnd(topic);
    }

    @Test
    void shouldWaitAsRetryAfterSaysAfterA503AndThenPublishEveryPaper() throws Exception {
        // Given a feed that is unavailable once, asking to come back in a second
        serve(
                "/rss/cs.LG+cs.AI",
                new Reply(503, Map.of("Retry-After", "1"), "busy".getBytes(StandardCharsets.UTF_8)),
                ok(fixture("arxiv-rss-cs.LG-cs.AI-cs.CL-stat.ML.xml")));
        long start = System.nanoTime();

        // When it is polled
        boolean ok = pollOnce(config("arxiv-rss"), "arxiv-rss");

        // Then the retry honoured Retry-After and every paper was published, keyed by canonical id
        assertThat(ok).isTrue();
        assertThat(requests.get()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(lastUserAgent).isEqualTo("paper-alerts-test (mailto:test@example.org)");
        assertThat(all(Topics.PAPERS))
                .extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder("2609.26811", "2609.26820", "2205.06398", "2009.13987");
        assertThat(lastMetrics.published.get()).isEqualTo(4);
        assertThat(lastMetrics.lastSuccess).isNotNull();
    }

    @Test
    void shouldPublishWhatATruncatedBodyHoldsAndRejectTheRestWithAReason() throws Exception {
        byte[] whole = fixture("arxiv-api-query.atom.xml");
        String text = new String(whole, StandardCharsets.UTF_8);
        serve("/api/query", ok(Arrays.copyOf(whole, text.indexOf("<entry>", text.indexOf("<entry>") + 1) + 200)));

        pollOnce(config("arxiv-api"), "arxiv-api");

        assertThat(all(Topics.PAPERS)).extracting(ConsumerRecord::key).containsExactly("2606.13677");
        var rejected = all(Topics.PAPERS_REJECTED);
        assertThat(rejected).hasSize(1);
        assertThat(DeadLetters.reason(rejected.get(0).headers())).startsWith("entry 2: malformed XML");
        assertThat(DeadLetters.source(rejected.get(0).headers())).startsWith("arxiv-api http://127.0.0.1:");
    }

    @Test
    void shouldRejectGarbageAndKeepPollingTheOtherSources() throws Exception {
        serve(
                "/api/daily_papers",
                ok("<html>Service temporarily replaced by a cat</html>".getBytes(StandardCharsets.UTF_8)));
        serve("/rss/cs.LG+cs.AI", ok(fixture("arxiv-rss-cs.LG-cs.AI-cs.CL-stat.ML.xml")));
        serve("/api/query", new Reply(500, Map.of(), new byte[0]));

        try (PaperPublisher publisher = new PaperPublisher(config("hf-daily,arxiv-rss,arxiv-api"));
                SourceScheduler scheduler = new SourceScheduler(config("hf-daily,arxiv-rss,arxiv-api"), publisher)) {
            assertThat(scheduler.pollOnce(null)).as("one source failed").isFalse();
            assertThat(scheduler.metrics("hf-daily").rejected.get()).isEqualTo(1);
            assertThat(scheduler.metrics("arxiv-rss").published.get()).isEqualTo(4);
            assertThat(scheduler.metrics("arxiv-api").failures.get()).isEqualTo(1);
        }
        assertThat(all(Topics.PAPERS)).hasSize(4);
        var rejected = all(Topics.PAPERS_REJECTED);
        assertThat(DeadLetters.reason(rejected.get(0).headers())).contains("not a supported format");
    }

    @Test
    void shouldPublishEachPaperOnceWhenTheSameFeedIsPolledAgainAfterARestart() throws Exception {
        serve("/api/daily_papers", ok(fixture("hf-daily-papers.json")));

        pollOnce(config("hf-daily"), "hf-daily");
        assertThat(lastMetrics.published.get()).isEqualTo(30);
        // A new poller, as after a restart: it reads its checkpoint back from Kafka
        pollOnce(config("hf-daily"), "hf-daily");

        assertThat(lastMetrics.published.get()).isZero();
        assertThat(lastMetrics.duplicates.get()).isEqualTo(30);
        assertThat(all(Topics.PAPERS)).hasSize(30);
    }
}
