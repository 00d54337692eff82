package io.paperalerts.operations;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} (Prometheus text format), {@code /health/live} and {@code /health/ready}
 * (JSON, 200 or 503 with the reason) of a service, on the JDK's HTTP server, on a port of their
 * own and on this host only unless configured otherwise ({@code metrics.bind.address}): they tell
 * an outsider what the service does, and the streams service's web port is public.
 */
public final class OperationsServer implements AutoCloseable {

    public static final String METRICS = "/metrics";
    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";

    private final HttpServer server;

    private OperationsServer(HttpServer server) {
        this.server = server;
    }

    /** The server on {@code port} of the loopback interface (0 in the configuration: none, returns null). */
    public static OperationsServer start(int port, PrometheusMeterRegistry registry, Health health) {
        return start(InetAddress.getLoopbackAddress().getHostAddress(), port, registry, health);
    }

    /** The server on {@code port} of {@code address} (0 in the configuration: none, returns null). */
    public static OperationsServer start(String address, int port, PrometheusMeterRegistry registry, Health health) {
        if (port == 0) {
            return null;
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 16);
            server.createContext("/", exchange -> serve(exchange, registry, health));
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "operations-http");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return new OperationsServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot serve metrics and health on " + address + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Where it listens. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Its base URL, as a ready line gives it. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress()
                ? "localhost"
                : address.getAddress().getHostAddress();
        return "http://" + host + ":" + address.getPort() + "/";
    }

    /** What one of the three paths answers: status, content type and body; null for another path. */
    private record Answer(int status, String contentType, String body) {}

    private static Answer answer(String path, PrometheusMeterRegistry registry, Health health) {
        return switch (path) {
            case METRICS -> new Answer(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            case LIVE -> json(health.live(), "UP", "DOWN");
            case READY -> json(health.ready(), "READY", "NOT_READY");
            default -> null;
        };
    }

    private static Answer json(Health.Status status, String yes, String no) {
        return status.ok()
                ? new Answer(200, "application/json", "{\"status\":\"" + yes + "\"}")
                : new Answer(
                        503,
                        "application/json",
                        "{\"status\":\"" + no + "\",\"reason\":\""
                                + status.reason()
                                        .replaceAll("\\p{Cntrl}", " ")
                                        .replace("\\", "\\\\")
                                        .replace("\"", "\\\"")
                                + "\"}");
    }

    private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry, Health health)
            throws IOException {
        try (exchange) {
            Answer answer = "GET".equals(exchange.getRequestMethod())
                    ? answer(exchange.getRequestURI().getPath(), registry, health)
                    : null;
            if (answer == null) {
                answer = new Answer(
                        404,
                        "text/plain; charset=utf-8",
                        "Only GET " + METRICS + ", " + LIVE + " and " + READY + " are here\n");
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
