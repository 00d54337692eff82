package io.paperalerts.testing;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server (SubEthaSMTP) whose reply to each recipient a test scripts: "452 then 550"
 * for one address, accept everything else. GreenMail accepts every message, so it cannot show
 * what the notifier does with a refusal.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    /** One scripted reply to {@code RCPT TO}. */
    public record Reply(int code, String text) {}

    private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final List<MimeMessage> received = Collections.synchronizedList(new ArrayList<>());
    private final List<Instant> receivedAt = Collections.synchronizedList(new ArrayList<>());
    private volatile Instant refuseAllUntil = Instant.MIN;
    private volatile Reply refuseAllWith;
    private final Session session = Session.getInstance(new Properties());
    private final SMTPServer server;

    private ScriptedSmtpServer(int port) {
        this.server = SMTPServer.port(port)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("scripted.test")
                .messageHandlerFactory(this::handler)
                .build();
    }

    public static ScriptedSmtpServer start() {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ScriptedSmtpServer smtp = new ScriptedSmtpServer(port);
        smtp.server.start();
        return smtp;
    }

    /** The next attempts to send to {@code recipient} get these replies, in order; later ones succeed. */
    public ScriptedSmtpServer script(String recipient, Reply... replies) {
        scripts.computeIfAbsent(recipient.toLowerCase(Locale.ROOT), r -> new ArrayDeque<>())
                .addAll(List.of(replies));
        return this;
    }

    /** Every recipient gets {@code reply} until {@code duration} has passed, e.g. 421 for a server in maintenance. */
    public ScriptedSmtpServer refuseEverythingFor(Duration duration, Reply reply) {
        refuseAllWith = reply;
        refuseAllUntil = Instant.now().plus(duration);
        return this;
    }

    /** Whether the server still refuses everyone (see {@link #refuseEverythingFor}). */
    public boolean refusingEverything() {
        return Instant.now().isBefore(refuseAllUntil);
    }

    /** Every message accepted so far, in order of arrival. */
    public List<MimeMessage> messages() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** When each message of {@link #messages()} was accepted. */
    public List<Instant> acceptedAt() {
        synchronized (received) {
            return List.copyOf(receivedAt);
        }
    }

    public int port() {
        return server.getPortAllocated();
    }

    /** Times a message to this recipient was tried, accepted or not. */
    public int attempts(String recipient) {
        AtomicInteger count = attempts.get(recipient.toLowerCase(Locale.ROOT));
        return count == null ? 0 : count.get();
    }

    public List<MimeMessage> messagesTo(String recipient) {
        synchronized (received) {
            return received.stream()
                    .filter(m -> {
                        try {
                            return m.getAllRecipients() != null
                                    && List.of(m.getAllRecipients()).stream()
                                            .anyMatch(a -> a.toString().equalsIgnoreCase(recipient));
                        } catch (MessagingException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
        }
    }

    private MessageHandler handler(MessageContext context) {
        return new MessageHandler() {
            @Override
            public void from(String from) {}

            @Override
            public void recipient(String recipient) throws RejectException {
                String key = recipient.toLowerCase(Locale.ROOT);
                attempts.computeIfAbsent(key, r -> new AtomicInteger()).incrementAndGet();
                if (Instant.now().isBefore(refuseAllUntil)) {
                    throw new RejectException(refuseAllWith.code(), refuseAllWith.text());
                }
                Deque<Reply> script = scripts.get(key);
                Reply reply = script == null ? null : script.poll();
                if (reply != null) {
                    throw new RejectException(reply.code(), reply.text());
                }
            }

            @Override
            public String data(InputStream data) throws IOException {
                try {
                    MimeMessage message = new MimeMessage(session, data);
                    synchronized (received) {
                        received.add(message);
                        receivedAt.add(Instant.now());
                    }
                } catch (MessagingException e) {
                    throw new IOException("Unreadable message: " + e.getMessage(), e);
                }
                return null;
            }

            @Override
            public void done() {}
        };
    }

    @Override
    public void close() {
        server.stop();
    }
}
