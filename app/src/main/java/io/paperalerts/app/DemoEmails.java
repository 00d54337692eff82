package io.paperalerts.app;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** What the demo's SMTP server received: written to files to open, and listed on the console. */
final class DemoEmails {

    private DemoEmails() {}

    /** One email the SMTP server received. */
    private record Received(String recipient, String subject, List<String> paperIds, MimeMessage message) {}

    static void write(List<MimeMessage> messages, Path out, PrintWriter console)
            throws IOException, MessagingException {
        Files.createDirectories(out);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(out, "*.{eml,html}")) {
            for (Path file : old) {
                Files.delete(file);
            }
        }
        List<Received> received = new ArrayList<>();
        for (MimeMessage message : messages) {
            received.add(new Received(recipient(message), message.getSubject(), paperIds(message), message));
        }
        received.sort(Comparator.comparing(Received::recipient).thenComparing(Received::subject));
        int n = 0;
        for (Received email : received) {
            String name = String.format("%03d-%s.eml", ++n, safe(email.recipient()));
            try (OutputStream file = Files.newOutputStream(out.resolve(name))) {
                email.message().writeTo(file);
            }
            // And its HTML part on its own, to open in a browser.
            if (email.message().getContent() instanceof MimeMultipart parts && parts.getCount() > 1) {
                Files.writeString(
                        out.resolve(name.replace(".eml", ".html")),
                        String.valueOf(parts.getBodyPart(1).getContent()));
            }
            console.printf("  %-24s %s%n", email.recipient(), email.subject());
            if (email.paperIds().size() > 1) {
                console.printf("  %-24s   papers: %s%n", "", String.join(" ", email.paperIds()));
            }
        }
        console.printf(
                "%d emails written to %s (.eml, and .html to open in a browser)%n",
                received.size(), out.toAbsolutePath().normalize());
    }

    static long matchedPapers(List<MimeMessage> received) throws MessagingException {
        TreeSet<String> ids = new TreeSet<>();
        for (MimeMessage message : received) {
            ids.addAll(paperIds(message));
        }
        return ids.size();
    }

    private static String recipient(MimeMessage message) throws MessagingException {
        return message.getAllRecipients()[0].toString();
    }

    private static List<String> paperIds(MimeMessage message) throws MessagingException {
        String[] header = message.getHeader("X-Paper-Ids");
        return header == null ? List.of() : List.of(header[0].strip().split(" +"));
    }

    private static String safe(String value) {
        return value.replaceAll("[^A-Za-z0-9._@-]", "_");
    }
}
