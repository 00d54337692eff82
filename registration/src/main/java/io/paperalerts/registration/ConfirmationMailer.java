package io.paperalerts.registration;

import io.paperalerts.mail.AccountEmail;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.mail.SmtpMailSender;
import io.paperalerts.schemas.Subscription;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.function.Supplier;

/**
 * Emails the confirmation link of a registration, and manage links on request. Sent from the
 * request (not from a Streams processor): the person who asked is waiting, and a failure is
 * answered with 503 so they can try again. Each email has a connection of its own, so a slow
 * server delays the request that waits for it, not every registration behind it; the rate limits
 * bound how many there are.
 */
final class ConfirmationMailer {

    private final Supplier<SmtpMailSender> senders;
    private final InternetAddress from;

    ConfirmationMailer(Supplier<SmtpMailSender> senders, String from) {
        this.senders = senders;
        this.from = AlertMailer.senderAddress(from);
    }

    void sendConfirmation(Subscription subscription, String link) throws MessagingException {
        send(subscription.getEmail(), AccountEmail.confirmation(subscription, link));
    }

    void sendManageLink(String email, String link) throws MessagingException {
        send(email, AccountEmail.manageLink(email, link));
    }

    private void send(String to, AccountEmail email) throws MessagingException {
        try (SmtpMailSender sender = senders.get()) {
            MimeMessage message = new MimeMessage(sender.session());
            message.setFrom(from);
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
            message.setSubject("[paper-alerts] " + email.subject(), StandardCharsets.UTF_8.name());
            message.setSentDate(sentDate());
            message.setContent(AlertMailer.alternative(email.text(), email.html()));
            sender.send(message);
        }
    }

    /** Jakarta Mail takes a {@link Date}; the one place it is made. */
    @SuppressWarnings("JavaUtilDate")
    private static Date sentDate() {
        return new Date();
    }
}
