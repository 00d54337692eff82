package io.paperalerts.local;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** A real SMTP server (GreenMail) on a free local port, keeping every message it accepts. */
public final class EmbeddedSmtpServer implements AutoCloseable {

    private final GreenMail greenMail;

    private EmbeddedSmtpServer(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    public static EmbeddedSmtpServer start() {
        try {
            ServerSetup setup = new ServerSetup(EmbeddedKafkaBroker.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
            GreenMail greenMail = new GreenMail(setup.dynamicPort());
            greenMail.start();
            return new EmbeddedSmtpServer(greenMail);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded SMTP server", e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return greenMail.getSmtp().getPort();
    }

    public List<MimeMessage> receivedMessages() {
        return List.of(greenMail.getReceivedMessages());
    }

    /** Lets a test simulate an outage or a reset between scenarios. */
    public void purge() {
        try {
            greenMail.purgeEmailFromAllMailboxes();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot purge the SMTP server's mailboxes", e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
