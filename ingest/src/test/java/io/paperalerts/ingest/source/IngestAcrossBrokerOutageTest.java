package io.paperalerts.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpServer;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.local.EmbeddedKafkaBroker;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest run} across a broker outage longer than the producer's delivery timeout: the polls
 * during the outage fail, the first poll after it publishes what appeared meanwhile, and the polls
 * after that, on an unchanged feed, publish nothing more.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IngestAcrossBrokerOutageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path kafkaDir;

    @Test
    void shouldPublishWhatAppearedDuringAnOutageOnceTheBrokerIsBackAndThenNothingMore() throws Exception {
        ArrayNode all = (ArrayNode) JSON.readTree(fixture());
        AtomicReference<byte[]> feed = new AtomicReference<>(JSON.writeValueAsBytes(
                JSON.createArrayNode().addAll(List.of(all.get(0), all.get(1), all.get(2), all.get(3), all.get(4)))));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/daily_papers", exchange -> {
            byte[] body = feed.get();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(kafkaDir);
        String bootstrap = broker.bootstrapServers();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicProvisioner.createMissing(admin, Topics.ALL, (short) 1);
        }
        IngestConfig config = new IngestConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS,
                bootstrap,
                IngestConfig.SOURCES,
                "hf-daily",
                IngestConfig.HF_URL,
                "http://127.0.0.1:" + server.getAddress().getPort() + "/api/daily_papers",
                IngestConfig.HF_INTERVAL_MS,
                1_000L,
                IngestConfig.DELIVERY_TIMEOUT_MS,
                2_000));
        try (PaperPublisher publisher = new PaperPublisher(config);
                SourceScheduler scheduler = new SourceScheduler(config, publisher)) {
            SourcePoller.Metrics metrics = scheduler.metrics("hf-daily");
            // Given ingest running, with the first papers published
            scheduler.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> metrics.published.get() == 5);

            // When the broker goes away for longer than the delivery timeout, and papers appear meanwhile
            broker.close();
            feed.set(JSON.writeValueAsBytes(all));
            long failuresBefore = metrics.failures.get();
            Instant down = Instant.now();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> metrics.failures.get() >= failuresBefore + 2
                            && Duration.between(down, Instant.now()).toSeconds() >= 5);
            broker = EmbeddedKafkaBroker.start(kafkaDir, port);

            // Then the next poll publishes what appeared meanwhile
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> distinctPaperKeys(bootstrap).size() == all.size());
            Instant recovered = metrics.lastSuccess;
            assertThat(recovered).isAfter(down);

            // And two more polls of the unchanged feed succeed and publish nothing more
            long recordsAfterRecovery = records(bootstrap);
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            metrics.lastSuccess != null && metrics.lastSuccess.isAfter(recovered.plusMillis(1_500)));
            assertThat(records(bootstrap)).isEqualTo(recordsAfterRecovery);
            assertThat(metrics.lastFailure).isNull();
        } finally {
            broker.close();
            server.stop(0);
        }
    }

    private static byte[] fixture() throws Exception {
        try (InputStream in = IngestAcrossBrokerOutageTest.class.getResourceAsStream("/sources/hf-daily-papers.json")) {
            return in.readAllBytes();
        }
    }

    private static Set<String> distinctPaperKeys(String bootstrap) {
        Set<String> keys = new HashSet<>();
        RealKafka.readToEnd(bootstrap, Topics.PAPERS).forEach(r -> keys.add(r.key()));
        return keys;
    }

    private static long records(String bootstrap) {
        return RealKafka.readToEnd(bootstrap, Topics.PAPERS).size();
    }
}
