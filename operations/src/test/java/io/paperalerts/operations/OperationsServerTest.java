package io.paperalerts.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OperationsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(OperationsServer server, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeMetricsAndSayWhyItIsNotReady() throws Exception {
        // Given a service with one counter, live, and not ready for a reason with quotes and a line break
        PrometheusMeterRegistry registry = ServiceMetrics.create("test");
        Counter.builder(ServiceMetrics.PREFIX + "emails.sent")
                .register(registry)
                .increment(3);
        AtomicReference<Health.Status> ready =
                new AtomicReference<>(Health.Status.down("the \"SMTP\" server\nsaid no"));
        Health health = new Health() {
            @Override
            public Status live() {
                return Status.up();
            }

            @Override
            public Status ready() {
                return ready.get();
            }
        };

        try (OperationsServer server = OperationsServer.start(freePort(), registry, health)) {
            // Then the metrics are Prometheus text with our names, the service tag and the JVM's
            HttpResponse<String> metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("paper_alerts_emails_sent_total{service=\"test\"} 3.0", "jvm_memory_used_bytes");
            // And liveness is up, readiness 503 with the reason as valid JSON on one line
            assertThat(get(server, "/health/live").body()).isEqualTo("{\"status\":\"UP\"}");
            HttpResponse<String> notReady = get(server, "/health/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body())
                    .isEqualTo("{\"status\":\"NOT_READY\",\"reason\":\"the \\\"SMTP\\\" server said no\"}");
            // And once ready, 200
            ready.set(Health.Status.up());
            assertThat(get(server, "/health/ready").statusCode()).isEqualTo(200);
            // And any other path is 404
            assertThat(get(server, "/admin").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void shouldListenOnThisHostOnlyUnlessAnAddressIsGiven() throws Exception {
        // When started by default, and with the address a compose network needs
        try (OperationsServer local = OperationsServer.start(freePort(), ServiceMetrics.create("test"), null);
                OperationsServer open =
                        OperationsServer.start("0.0.0.0", freePort(), ServiceMetrics.create("test"), null)) {
            // Then the first answers on loopback only, the second on every interface
            assertThat(local.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(local.url()).isEqualTo("http://127.0.0.1:" + local.port() + "/");
            assertThat(open.address().getAddress().isAnyLocalAddress()).isTrue();
            assertThat(open.url()).isEqualTo("http://localhost:" + open.port() + "/");
        }
    }

    @Test
    void shouldServeNothingOnPortZero() {
        assertThat(OperationsServer.start(0, ServiceMetrics.create("test"), null))
                .isNull();
    }

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
