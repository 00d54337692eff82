package io.paperalerts.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.subethamail.smtp.server.SMTPServer;

/**
 * An SMTP server (SubEthaSMTP) that accepts every message and keeps only when each (recipient,
 * paper) pair arrived, read from the {@code X-Paper-Ids} header: no parsing of the body, no
 * storing, so that the server is not what the pipeline benchmark measures. A pair arriving twice
 * is counted as a duplicate, which fails the run.
 */
final class CountingSmtpServer implements AutoCloseable {

    private final SMTPServer server;
    private final int port;
    private final Map<String, Long> firstArrival = new ConcurrentHashMap<>();
    private final List<String> duplicates = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong emails = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    private CountingSmtpServer(int port) {
        this.port = port;
        this.server = SMTPServer.port(port).bindAddress(InetAddress.getLoopbackAddress()).hostName("bench.smtp")
                .maxConnections(64).messageHandler((context, from, to, data) -> accepted(to, data)).build();
    }

    static CountingSmtpServer start() {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CountingSmtpServer smtp = new CountingSmtpServer(port);
        smtp.server.start();
        return smtp;
    }

    int port() {
        return port;
    }

    private void accepted(String to, byte[] data) {
        long now = System.currentTimeMillis();
        emails.incrementAndGet();
        bytes.addAndGet(data.length);
        String recipient = to.toLowerCase(Locale.ROOT);
        for (String paper : paperIds(data)) {
            String pair = recipient + "|" + paper;
            if (firstArrival.putIfAbsent(pair, now) != null) {
                duplicates.add(pair);
            }
        }
    }

    /** The ids in the (possibly folded) {@code X-Paper-Ids} header of a message. */
    static List<String> paperIds(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String headers = (end < 0 ? text : text.substring(0, end)).replaceAll("\r\n[ \t]+", " ");
        for (String line : headers.split("\r\n")) {
            if (line.regionMatches(true, 0, "X-Paper-Ids:", 0, 12)) {
                String ids = line.substring(12).strip();
                return ids.isEmpty() ? List.of() : List.of(ids.split("\\s+"));
            }
        }
        return List.of();
    }

    /** When the pair was first accepted, or {@code null}. */
    Long arrival(String recipient, String paperId) {
        return firstArrival.get(recipient + "|" + paperId);
    }

    long pairs() {
        return firstArrival.size();
    }

    long emails() {
        return emails.get();
    }

    long bytes() {
        return bytes.get();
    }

    List<String> duplicates() {
        synchronized (duplicates) {
            return List.copyOf(duplicates);
        }
    }

    Map<String, Long> arrivals() {
        return firstArrival;
    }

    @Override
    public void close() {
        server.stop();
    }
}
