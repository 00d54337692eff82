package io.paperalerts.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/** A source's HTTP API on loopback for tests: one path answering 200 with what {@code body} gives now. */
public final class LocalHttpServer {

    private LocalHttpServer() {}

    /** Started; stop it with {@code stop(0)}. */
    public static HttpServer serving(String path, String contentType, Supplier<byte[]> body) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext(path, exchange -> {
                byte[] bytes = body.get();
                exchange.getResponseHeaders().add("Content-Type", contentType);
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
