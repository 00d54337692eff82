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
            return start(EmbeddedKafkaBroker.freePort());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port for the embedded SMTP server", e);
        }
    }

    public static EmbeddedSmtpServer start(int port) {
        GreenMail greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return new EmbeddedSmtpServer(greenMail);
    }

    /** A port nothing listens on yet, e.g. to start a server there later. */
    public static int freePort() {
        try {
            return EmbeddedKafkaBroker.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port", e);
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
