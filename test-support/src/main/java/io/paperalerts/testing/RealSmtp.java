package io.paperalerts.testing;

import io.paperalerts.local.EmbeddedSmtpServer;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A real SMTP server (GreenMail) for one test class. Register it as a static {@code @RegisterExtension}. */
public final class RealSmtp implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedSmtpServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = EmbeddedSmtpServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    public String host() {
        return server.host();
    }

    public int port() {
        return server.port();
    }

    public List<MimeMessage> receivedMessages() {
        return server.receivedMessages();
    }

    public List<MimeMessage> messagesTo(String recipient) {
        return receivedMessages().stream()
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
