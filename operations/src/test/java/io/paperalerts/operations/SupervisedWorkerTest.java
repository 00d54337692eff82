package io.paperalerts.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.kafka.KafkaProblem;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SupervisedWorkerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldShowAKilledWorkerAsNotReadyWithinFiveSecondsAndRestartIt() throws Exception {
        // Given a worker that loops until killed, served by a service's health endpoint
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch kill = new CountDownLatch(1);
        CountDownLatch dead = new CountDownLatch(1);
        SupervisedWorker worker =
                new SupervisedWorker("papers-follower", Backoff.ofMillis(2_000, 4_000), 3, stopping -> {
                    if (runs.incrementAndGet() == 1) {
                        kill.await();
                        dead.countDown();
                        throw new IllegalStateException("the consumer was closed under it");
                    }
                    while (!stopping.await(Duration.ofMillis(50))) {
                        // working
                    }
                });
        try (worker;
                OperationsServer server =
                        OperationsServer.start(freePort(), ServiceMetrics.create("test"), worker.health())) {
            worker.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> ready(server) == 200);

            // When its body dies
            kill.countDown();
            assertThat(dead.await(5, TimeUnit.SECONDS)).isTrue();

            // Then the service is not ready within 5 s, and says which worker and why
            await().atMost(Duration.ofSeconds(5)).until(() -> ready(server) == 503);
            assertThat(body(server, "/health/ready")).contains("papers-follower", "the consumer was closed under it");
            assertThat(body(server, "/health/live")).contains("UP");
            // And after its backoff it runs again, and the service is ready again
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(server) == 200 && runs.get() == 2);
            assertThat(worker.restarts()).isEqualTo(1);
        }
    }

    @Test
    void shouldGiveUpAfterTooManyDeathsInARowSoTheServiceExits() throws Exception {
        // Given a worker whose body always fails at once
        AtomicInteger runs = new AtomicInteger();
        try (SupervisedWorker worker = new SupervisedWorker("doomed", Backoff.ofMillis(10, 40), 3, stopping -> {
                    runs.incrementAndGet();
                    throw new IllegalStateException("no such topic");
                })
                .start()) {
            // Then it is restarted three times, then gives up: not live, and the service's future completes
            assertThat(worker.gaveUp().get(10, TimeUnit.SECONDS)).hasMessage("no such topic");
            assertThat(runs).hasValue(4);
            assertThat(worker.health().live().ok()).isFalse();
            assertThat(worker.health().live().reason()).contains("doomed", "no such topic");
        }
    }

    @Test
    void shouldGiveUpAtOnceWhenTheClusterRefusesIt() throws Exception {
        // Given a worker whose reads the cluster does not authorize
        AtomicInteger runs = new AtomicInteger();
        try (SupervisedWorker worker = SupervisedWorker.of("follower", stopping -> {
                    runs.incrementAndGet();
                    throw new TopicAuthorizationException(Set.of("papers"));
                })
                .start()) {
            // Then it gives up without a restart, saying what to grant
            assertThat(worker.gaveUp().get(5, TimeUnit.SECONDS)).isInstanceOf(KafkaProblem.class);
            assertThat(runs).hasValue(1);
            assertThat(worker.health().live().reason()).contains("papers");
        }
    }

    @Test
    void shouldStopWithoutRestartingWhenClosed() throws Exception {
        // Given a running worker
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        SupervisedWorker worker = SupervisedWorker.of("follower", stopping -> {
                    runs.incrementAndGet();
                    running.countDown();
                    while (!stopping.await(Duration.ofSeconds(1))) {
                        // working
                    }
                })
                .start();
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

        // When it is closed
        worker.close();

        // Then its body ran once, and it neither restarted nor gave up
        assertThat(runs).hasValue(1);
        assertThat(worker.restarts()).isZero();
        assertThat(worker.gaveUp()).isNotDone();
    }

    private int ready(OperationsServer server) throws Exception {
        return get(server, "/health/ready").statusCode();
    }

    private String body(OperationsServer server, String path) throws Exception {
        return get(server, path).body();
    }

    private HttpResponse<String> get(OperationsServer server, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
