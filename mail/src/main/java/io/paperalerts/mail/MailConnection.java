package io.paperalerts.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/** One connection to an SMTP server, used by one thread at a time. */
public interface MailConnection {

    /** The session messages for this connection are made in. */
    Session session();

    void send(MimeMessage message) throws MessagingException;

    /** Drops the connection so the next send opens a fresh one. */
    void reset();
}
