package io.paperalerts.registration;

import io.paperalerts.mail.AlertMailer;
import io.paperalerts.mail.Html;
import io.paperalerts.mail.SmtpMailSender;
import io.paperalerts.schemas.Subscription;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/**
 * Emails the confirmation link of a registration, and manage links on request. Sent from the
 * request (not from a Streams processor): the person who asked is waiting, and a failure is
 * answered with 503 so they can try again. Each email has a connection of its own, so a slow
 * server delays the request that waits for it, not every registration behind it; the rate limits
 * bound how many there are.
 */
final class ConfirmationMailer {

    private final java.util.function.Supplier<SmtpMailSender> senders;
    private final InternetAddress from;

    ConfirmationMailer(java.util.function.Supplier<SmtpMailSender> senders, String from) {
        this.senders = senders;
        this.from = AlertMailer.senderAddress(from);
    }

    void sendConfirmation(Subscription subscription, String link) throws MessagingException {
        String query = quoted(subscription.getQuery());
        String text = "Please confirm that " + subscription.getEmail() + " should receive paper alerts for the query "
                + query + ".\n\nConfirm: " + link
                + "\n\nIf you did not ask for this, ignore this email: nothing is sent until you confirm.\n";
        String html = "<p>Please confirm that " + Html.escape(subscription.getEmail())
                + " should receive paper alerts for the query <code>" + Html.escape(query) + "</code>.</p>"
                + "<p><a href=\"" + Html.escape(link) + "\">Confirm the subscription</a></p>"
                + "<p style=\"color:#777\">If you did not ask for this, ignore this email: nothing is sent until you "
                + "confirm.</p>";
        send(subscription.getEmail(), "[paper-alerts] Confirm your subscription", text, html);
    }

    /**
     * The query as the email shows it: quoted and short, so that whoever registered someone else's
     * address cannot write that person a message (the rules already refuse control characters).
     */
    static String quoted(String query) {
        int max = 80;
        String shown = query.codePointCount(0, query.length()) <= max ? query
                : query.substring(0, query.offsetByCodePoints(0, max - 1)) + "\u2026";
        return "\u201c" + shown + "\u201d";
    }

    void sendManageLink(String email, String link) throws MessagingException {
        send(email, "[paper-alerts] Manage your subscriptions",
                "Manage the paper-alerts subscriptions of " + email + ": " + link + "\n",
                "<p><a href=\"" + Html.escape(link) + "\">Manage the paper-alerts subscriptions of "
                        + Html.escape(email) + "</a></p>");
    }

    private void send(String to, String subject, String text, String html) throws MessagingException {
        try (SmtpMailSender sender = senders.get()) {
            MimeMessage message = new MimeMessage(sender.session());
            message.setFrom(from);
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
            message.setSubject(subject, StandardCharsets.UTF_8.name());
            message.setSentDate(new Date());
            MimeBodyPart textPart = new MimeBodyPart();
            textPart.setText(text, StandardCharsets.UTF_8.name(), "plain");
            MimeBodyPart htmlPart = new MimeBodyPart();
            htmlPart.setText("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">" + html + "</body></html>",
                    StandardCharsets.UTF_8.name(), "html");
            message.setContent(new MimeMultipart("alternative", textPart, htmlPart));
            sender.send(message);
        }
    }

}
