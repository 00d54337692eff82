package io.paperalerts.notifier;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * Renders one alert as a multipart text and HTML email. Paper data comes from the outside world,
 * so it is escaped in HTML and stripped of line breaks wherever it reaches a header.
 */
public final class AlertMailer {

    static final int MAX_AUTHORS = 5;
    static final int SNIPPET_CHARS = 500;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /** Where the links of an email lead, with signed tokens. */
    public record Links(String baseUrl, String mailto, LinkTokens tokens) {

        String unsubscribe(Alert alert) {
            return baseUrl + "/unsubscribe?token=" + tokens.sign("unsubscribe", alert.getRecipient(), alert.getSubscriptionIds());
        }

        String manage(Alert alert) {
            return baseUrl + "/manage?token=" + tokens.sign("manage", alert.getRecipient(), List.of());
        }

        /** A placeholder until the registration service serves these pages: a random secret per process. */
        static Links local() {
            byte[] secret = new byte[32];
            new java.security.SecureRandom().nextBytes(secret);
            return new Links("http://localhost:8080", "", new LinkTokens(secret, java.time.Duration.ofDays(365),
                    java.time.Clock.systemUTC()));
        }
    }

    private final InternetAddress from;
    private final Links links;

    public AlertMailer(String from) {
        this(from, Links.local());
    }

    public AlertMailer(String from, Links links) {
        try {
            this.from = new InternetAddress(from, true);
        } catch (jakarta.mail.internet.AddressException e) {
            throw new IllegalArgumentException("Invalid sender address '" + from + "': " + e.getMessage(), e);
        }
        this.links = links;
    }

    public MimeMessage render(Session session, Alert alert) throws MessagingException {
        Paper paper = alert.getPaper();
        MimeMessage message = new FixedIdMessage(session, messageId(alert));
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(alert.getRecipient(), true));
        message.setSubject("[paper-alerts] " + oneLine(paper.getTitle()), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(alert.getMatchedAt()));
        message.setHeader("X-Paper-Id", oneLine(paper.getId()));
        String unsubscribe = links.unsubscribe(alert);
        String manage = links.manage(alert);
        // RFC 8058 one-click unsubscribe: mail clients POST to the https link.
        message.setHeader("List-Unsubscribe", "<" + unsubscribe + ">"
                + (links.mailto().isEmpty() ? "" : ", <mailto:" + links.mailto() + "?subject=unsubscribe>"));
        message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");

        MimeBodyPart text = new MimeBodyPart();
        text.setText(text(alert) + "\n-- \nYou receive this because " + alert.getRecipient()
                + " subscribed to paper alerts.\nManage your subscriptions: " + manage + "\nUnsubscribe: " + unsubscribe
                + "\n", StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(html(alert).replace("</body></html>", "<hr><p style=\"color:#777;font-size:smaller\">"
                + "You receive this because " + escape(alert.getRecipient()) + " subscribed to paper alerts. "
                + "<a href=\"" + escape(manage) + "\">Manage your subscriptions</a> &middot; "
                + "<a href=\"" + escape(unsubscribe) + "\">Unsubscribe</a></p></body></html>"),
                StandardCharsets.UTF_8.name(), "html");
        MimeMultipart alternative = new MimeMultipart("alternative", text, html);
        message.setContent(alternative);
        message.saveChanges();
        return message;
    }

    /** The same alert always gets the same id, so a re-sent copy is recognisable as such. */
    static String messageId(Alert alert) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (alert.getRecipient() + "\n" + alert.getPaper().getId()).getBytes(StandardCharsets.UTF_8));
            return "<" + HexFormat.of().formatHex(digest, 0, 16) + "@paper-alerts>";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String oneLine(String value) {
        return value == null ? "" : value.replaceAll("[\\r\\n\\t\\u0085\\u2028\\u2029]+", " ").replaceAll(" {2,}", " ").strip();
    }

    static String authors(List<String> authors) {
        if (authors.size() <= MAX_AUTHORS) {
            return String.join(", ", authors);
        }
        return String.join(", ", authors.subList(0, MAX_AUTHORS)) + " et al.";
    }

    static String snippet(String abstractText) {
        String text = oneLine(abstractText);
        if (text.length() <= SNIPPET_CHARS) {
            return text;
        }
        int cut = text.lastIndexOf(' ', SNIPPET_CHARS);
        return text.substring(0, cut > SNIPPET_CHARS / 2 ? cut : SNIPPET_CHARS) + " …";
    }

    private static String text(Alert alert) {
        Paper paper = alert.getPaper();
        StringBuilder out = new StringBuilder();
        out.append(oneLine(paper.getTitle())).append("\n");
        if (!paper.getAuthors().isEmpty()) {
            out.append(authors(paper.getAuthors())).append("\n");
        }
        String meta = meta(paper);
        if (!meta.isEmpty()) {
            out.append(meta).append("\n");
        }
        if (paper.getUrl() != null) {
            out.append("Abstract: ").append(paper.getUrl()).append("\n");
        }
        if (paper.getPdfUrl() != null) {
            out.append("PDF: ").append(paper.getPdfUrl()).append("\n");
        }
        out.append("\n").append(snippet(paper.getAbstractText())).append("\n\n");
        out.append("Matched your subscription").append(alert.getReasons().size() > 1 ? "s" : "").append(":\n");
        for (MatchReason reason : alert.getReasons()) {
            out.append("  - ").append(oneLine(reason.getQuery()));
            if (!reason.getMatchedTerms().isEmpty()) {
                out.append("  (matched: ").append(oneLine(String.join(", ", reason.getMatchedTerms()))).append(")");
            }
            out.append("\n");
            if (!reason.getSnippet().isEmpty()) {
                out.append("    ").append(oneLine(reason.getSnippet())).append("\n");
            }
        }
        return out.toString();
    }

    private static String html(Alert alert) {
        Paper paper = alert.getPaper();
        StringBuilder out = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>"
                + "<body style=\"font-family:sans-serif;max-width:40em\">");
        String title = escape(oneLine(paper.getTitle()));
        if (paper.getUrl() != null) {
            out.append("<h2><a href=\"").append(escape(paper.getUrl())).append("\">").append(title).append("</a></h2>");
        } else {
            out.append("<h2>").append(title).append("</h2>");
        }
        if (!paper.getAuthors().isEmpty()) {
            out.append("<p>").append(escape(authors(paper.getAuthors()))).append("</p>");
        }
        String meta = meta(paper);
        if (!meta.isEmpty()) {
            out.append("<p style=\"color:#555\">").append(escape(meta)).append("</p>");
        }
        out.append("<p>").append(escape(snippet(paper.getAbstractText()))).append("</p>");
        if (paper.getPdfUrl() != null) {
            out.append("<p><a href=\"").append(escape(paper.getPdfUrl())).append("\">PDF</a></p>");
        }
        out.append("<p>Matched your subscription").append(alert.getReasons().size() > 1 ? "s" : "").append(":</p><ul>");
        for (MatchReason reason : alert.getReasons()) {
            out.append("<li><code>").append(escape(oneLine(reason.getQuery()))).append("</code>");
            if (!reason.getMatchedTerms().isEmpty()) {
                out.append(" matched <b>").append(escape(oneLine(String.join(", ", reason.getMatchedTerms()))))
                        .append("</b>");
            }
            if (!reason.getSnippet().isEmpty()) {
                out.append("<br><small>").append(highlight(escape(oneLine(reason.getSnippet())), reason.getMatchedTerms()))
                        .append("</small>");
            }
            out.append("</li>");
        }
        return out.append("</ul></body></html>").toString();
    }

    private static String meta(Paper paper) {
        String categories = String.join(", ", paper.getCategories());
        String date = paper.getPublished() == null ? "" : DAY.format(paper.getPublished());
        return oneLine(categories + (categories.isEmpty() || date.isEmpty() ? "" : " · ") + date);
    }

    /** Marks the matched words in already escaped text, whole words only, never inside an entity. */
    static String highlight(String escaped, List<String> matched) {
        List<String> terms = matched.stream().map(AlertMailer::escape).filter(t -> !t.isBlank())
                .sorted((a, b) -> b.length() - a.length()).toList();
        if (terms.isEmpty()) {
            return escaped;
        }
        String alternatives = String.join("|", terms.stream().map(java.util.regex.Pattern::quote).toList());
        return escaped.replaceAll("(?<![\\w&#])(" + alternatives + ")(?![\\w;])", "<mark>$1</mark>");
    }

    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code saveChanges()} would replace the Message-ID with a random one; this keeps ours. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String id;

        FixedIdMessage(Session session, String id) {
            super(session);
            this.id = id;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", id);
        }
    }
}
