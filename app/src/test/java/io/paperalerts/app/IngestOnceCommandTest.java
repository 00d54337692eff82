package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.paperalerts.testing.JavaProcess;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.Topics;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest once}: a source that answers other than 2xx is a failed poll, named, with a non-zero exit. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IngestOnceCommandTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @TempDir
    Path dir;

    private HttpServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "<html>Not Found</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void shouldExitNonZeroNamingTheSourceWhenItAnswers404() throws Exception {
        // Given a configuration whose Hugging Face URL answers 404
        Path config = dir.resolve("ingest.properties");
        Files.writeString(
                config,
                "ingest.sources=hf-daily\ningest.hf.url=http://127.0.0.1:"
                        + server.getAddress().getPort() + "/api/daily_papers\n");

        // When the sources are polled once
        Cli run = Cli.run(
                "ingest", "--config", config.toString(), "--bootstrap-servers", kafka.bootstrapServers(), "once");

        // Then the command fails, naming the source, the URL and the status, and publishes nothing
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("source hf-daily failed", "/api/daily_papers answered HTTP 404", "Not Found");
        assertThat(kafka.readToEnd(Topics.PAPERS)).isEmpty();
        assertThat(kafka.readToEnd(Topics.INGEST_CHECKPOINTS)).isEmpty();
    }

    @Test
    void shouldWriteEachLogLineAsOneJsonObjectWithLogFormatJson() throws Exception {
        // Given the same failing source, and log.format=json
        Path config = dir.resolve("ingest-json.properties");
        Files.writeString(
                config,
                "log.format=json\ningest.sources=hf-daily\ningest.hf.url=http://127.0.0.1:"
                        + server.getAddress().getPort() + "/api/daily_papers\n");

        // When the command runs in a process of its own
        Path log = dir.resolve("ingest.log");
        JavaProcess process = new JavaProcess(
                        "ingest-once",
                        log,
                        List.of(),
                        PaperAlertsCommand.class.getName(),
                        List.of(
                                "ingest",
                                "--config",
                                config.toString(),
                                "--bootstrap-servers",
                                kafka.bootstrapServers(),
                                "once"))
                .start();
        await().atMost(Duration.ofSeconds(60)).until(() -> process.exitCode() != null);

        // Then its warning is one JSON object on one line, with the ECS fields
        List<JsonNode> logged = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("{")) {
                logged.add(new ObjectMapper().readTree(line));
            }
        }
        assertThat(logged).anySatisfy(line -> {
            assertThat(line.path("log.level").asText()).isEqualTo("WARN");
            assertThat(line.path("message").asText()).contains("Polling hf-daily failed");
            assertThat(line.path("@timestamp").asText()).isNotEmpty();
        });
        assertThat(process.exitCode()).isEqualTo(1);
    }
}
