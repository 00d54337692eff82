package io.paperalerts.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * Sends messages over one SMTP connection, reused across messages (opening one costs far more
 * than sending) and reopened when the server dropped it.
 */
public final class SmtpMailSender implements MailConnection, AutoCloseable {

    private final Session session;
    private final String protocol;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private static final long IDLE_CHECK_NANOS = 5_000_000_000L;

    private Transport transport;
    private long lastUsed;

    static {
        MailStreamProvider.nameOnce();
    }

    /** @param config any configuration with the keys of {@link MailConfig#define} */
    public SmtpMailSender(AbstractConfig config) {
        MailConfig.Security security = MailConfig.security(config);
        this.protocol = security == MailConfig.Security.SMTPS ? "smtps" : "smtp";
        this.host = config.getString(MailConfig.SMTP_HOST);
        this.port = config.getInt(MailConfig.SMTP_PORT);
        this.user = config.getString(MailConfig.SMTP_USER);
        this.password = config.getPassword(MailConfig.SMTP_PASSWORD).value();
        String timeout = String.valueOf(config.getInt(MailConfig.SMTP_TIMEOUT_MS));
        Properties props = new Properties();
        String prefix = "mail." + protocol + ".";
        props.put("mail.transport.protocol", protocol);
        props.put(prefix + "host", host);
        props.put(prefix + "port", String.valueOf(port));
        props.put(prefix + "connectiontimeout", timeout);
        props.put(prefix + "timeout", timeout);
        props.put(prefix + "writetimeout", timeout);
        props.put(prefix + "auth", String.valueOf(!user.isEmpty()));
        if (security == MailConfig.Security.SMTPS) {
            props.put(prefix + "ssl.socketFactory", NoDelaySocketFactory.tls());
        } else {
            props.put(prefix + "socketFactory", NoDelaySocketFactory.plain());
        }
        if (security == MailConfig.Security.STARTTLS) {
            props.put(prefix + "starttls.enable", "true");
            props.put(prefix + "starttls.required", "true");
        }
        if (security != MailConfig.Security.NONE) {
            props.put(prefix + "ssl.checkserveridentity", "true");
        }
        this.session = Session.getInstance(props);
    }

    @Override
    public Session session() {
        return session;
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        // isConnected() costs a NOOP round trip; ask it only of a connection idle long enough for
        // the server to have dropped it. A busy connection that broke fails the send, and the
        // notifier's retry reconnects.
        if (transport == null || (System.nanoTime() - lastUsed > IDLE_CHECK_NANOS && !transport.isConnected())) {
            connect();
        }
        transport.sendMessage(message, message.getAllRecipients());
        lastUsed = System.nanoTime();
    }

    private void connect() throws MessagingException {
        closeQuietly();
        transport = session.getTransport(protocol);
        if (user.isEmpty()) {
            transport.connect(host, port, null, null);
        } else {
            transport.connect(host, port, user, password);
        }
    }

    @Override
    public void reset() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException e) {
                // The connection is being dropped anyway.
            }
            transport = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
