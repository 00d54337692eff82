package io.paperalerts.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SMTP server that accepts every message and keeps only when each (recipient, paper) pair
 * arrived, read from the {@code X-Paper-Ids} header: the body is read and dropped, nothing is
 * parsed or stored, so that the server is not what the pipeline benchmark measures. A pair
 * arriving twice is counted as a duplicate, which fails the run.
 *
 * <p>Hand-written rather than SubEthaSMTP (which the scripted test server uses), to rule the
 * server out while a stall of multi-paper emails in the burst run is investigated (it showed with
 * both; see docs/benchmarks.md). Speaks the part of RFC 5321 that Angus Mail uses without
 * extensions: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
 */
final class CountingSmtpServer implements AutoCloseable {

    /**
     * Which paper ids of an accepted email the server notes. Only a test changes it, to have
     * the server lose a pair or see one twice, as a broken pipeline would, and check that the
     * benchmark fails.
     */
    @FunctionalInterface
    interface Noting {
        List<String> paperIds(String recipient, List<String> paperIds);
    }

    private final ServerSocket socket;
    private final Noting noting;
    private final Thread acceptor;
    private final Map<String, Long> firstArrival = new ConcurrentHashMap<>();
    private final List<String> duplicates = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong emails = new AtomicLong();
    private volatile boolean running = true;

    private CountingSmtpServer(ServerSocket socket, Noting noting) {
        this.socket = socket;
        this.noting = noting;
        this.acceptor = new Thread(this::acceptAll, "counting-smtp-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static CountingSmtpServer start() {
        return start((recipient, paperIds) -> paperIds);
    }

    static CountingSmtpServer start(Noting noting) {
        try {
            return new CountingSmtpServer(new ServerSocket(0, 64, InetAddress.getLoopbackAddress()), noting);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    private void acceptAll() {
        while (running) {
            try {
                Socket connection = socket.accept();
                Thread session = new Thread(() -> serve(connection), "counting-smtp-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                if (running) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void serve(Socket connection) {
        try (connection;
                InputStream in = new BufferedInputStream(connection.getInputStream(), 1 << 16);
                OutputStream out = new BufferedOutputStream(connection.getOutputStream())) {
            reply(out, "220 bench.smtp ESMTP");
            String recipient = null;
            String line;
            while ((line = readLine(in)) != null) {
                String command = line.length() < 4
                        ? line.toUpperCase(Locale.ROOT)
                        : line.substring(0, 4).toUpperCase(Locale.ROOT);
                switch (command) {
                    case "EHLO", "HELO" -> reply(out, "250 bench.smtp");
                    case "MAIL", "RSET", "NOOP" -> reply(out, "250 OK");
                    case "RCPT" -> {
                        int open = line.indexOf('<');
                        int close = line.indexOf('>', open + 1);
                        recipient = open >= 0 && close > open
                                ? line.substring(open + 1, close)
                                : line.substring(8).strip();
                        reply(out, "250 OK");
                    }
                    case "DATA" -> {
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        accepted(recipient, readData(in));
                        reply(out, "250 OK queued");
                    }
                    case "QUIT" -> {
                        reply(out, "221 Bye");
                        return;
                    }
                    default -> reply(out, "500 Unknown command");
                }
            }
        } catch (IOException e) {
            // the client went away: nothing to keep
        }
    }

    /** The header block of the message (unfolded); the body is read to its final dot and dropped. */
    private static String readData(InputStream in) throws IOException {
        StringBuilder headers = new StringBuilder();
        boolean inHeaders = true;
        String line;
        while ((line = readLine(in)) != null && !line.equals(".")) {
            if (inHeaders) {
                if (line.isEmpty()) {
                    inHeaders = false;
                } else if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                    headers.append(' ').append(line.strip());
                } else {
                    headers.append('\n').append(line);
                }
            }
        }
        return headers.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void accepted(String to, String headers) {
        long now = System.currentTimeMillis();
        emails.incrementAndGet();
        String recipient = String.valueOf(to).toLowerCase(Locale.ROOT);
        for (String paper : noting.paperIds(recipient, paperIds(headers))) {
            if (firstArrival.putIfAbsent(recipient + "|" + paper, now) != null) {
                duplicates.add(recipient + "|" + paper);
            }
        }
    }

    /** The ids in the {@code X-Paper-Ids} header of an unfolded header block. */
    static List<String> paperIds(String headers) {
        for (String line : headers.split("\n")) {
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

    List<String> duplicates() {
        synchronized (duplicates) {
            return List.copyOf(duplicates);
        }
    }

    Map<String, Long> arrivals() {
        return firstArrival;
    }

    @Override
    public void close() throws IOException {
        running = false;
        socket.close();
    }
}
