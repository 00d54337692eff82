package io.paperalerts.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.paperalerts.ingest.IngestFailurePolicy;
import io.paperalerts.operations.Backoff;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP client's manners, against a real local HTTP server. */
class HttpFetcherTest {

    private HttpServer server;
    private final List<Integer> statuses = new ArrayList<>();
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            arrivals.add(System.nanoTime());
            int status;
            synchronized (statuses) {
                status = statuses.isEmpty() ? 200 : statuses.remove(0);
            }
            byte[] body = ("status " + status).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/feed");
    }

    private HttpFetcher fetcher(int retries, Map<String, Duration> politeness) {
        return new HttpFetcher(
                Duration.ofSeconds(5),
                "test-agent (mailto:test@example.org)",
                new IngestFailurePolicy(
                        Backoff.ofMillis(20, 200),
                        retries,
                        Clock.systemUTC(),
                        () -> ThreadLocalRandom.current().nextDouble()),
                politeness);
    }

    @Test
    void shouldSpaceRequestsToAPoliteHostByTheMinimumInterval() throws Exception {
        HttpFetcher http = fetcher(0, Map.of("127.0.0.1", Duration.ofMillis(300)));

        http.get(uri());
        http.get(uri());

        assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void shouldRetry429And5xxThenReturnTheBody() throws Exception {
        statuses.addAll(List.of(429, 502));

        HttpFetcher.Response response = fetcher(3, Map.of()).get(uri());

        assertThat(response.status()).isEqualTo(200);
        assertThat(arrivals).hasSize(3);
    }

    @Test
    void shouldFailAt404WithoutRetryingNamingTheUrlTheStatusAndTheBody() {
        statuses.add(404);

        assertThatThrownBy(() -> fetcher(3, Map.of()).get(uri()))
                .isInstanceOf(HttpFetcher.StatusException.class)
                .hasMessage("GET " + uri() + " answered HTTP 404: status 404");
        assertThat(arrivals).hasSize(1);
    }

    @Test
    void shouldGiveUpAfterTheRetriesSayingWhy() {
        statuses.addAll(List.of(503, 503, 503));

        assertThatThrownBy(() -> fetcher(2, Map.of()).get(uri()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("failed after 3 attempts: HTTP 503");
    }
}
