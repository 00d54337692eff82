package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.paperalerts.testing.LocalHttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/** The Hugging Face daily papers API on loopback, answering what a test sets, polled by {@code ingest once}. */
final class HuggingFaceFeed implements AutoCloseable {

    private final AtomicReference<byte[]> response = new AtomicReference<>();
    private final HttpServer server;
    private final Path config;

    /** @param dir where the ingest configuration naming this feed is written */
    HuggingFaceFeed(Path dir) {
        server = LocalHttpServer.serving("/api/daily_papers", "application/json", response::get);
        config = dir.resolve("ingest-hf.properties");
        try {
            Files.writeString(
                    config,
                    "ingest.sources=hf-daily\ningest.hf.url=http://127.0.0.1:"
                            + server.getAddress().getPort() + "/api/daily_papers\n");
        } catch (IOException e) {
            server.stop(0);
            throw new UncheckedIOException(e);
        }
    }

    /** Answers {@code body} from now on and polls it once, as {@code paper-alerts ingest once} does. */
    void poll(byte[] body, String bootstrapServers) {
        response.set(body);
        Cli run = Cli.run("ingest", "--config", config.toString(), "--bootstrap-servers", bootstrapServers, "once");
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
