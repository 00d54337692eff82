package io.paperalerts.mail;

import static io.paperalerts.mail.Html.escape;

import io.paperalerts.papers.PaperUrls;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * Renders one digest (one or more papers for one recipient) as a multipart text and HTML email.
 * Papers are grouped under the subscription that first matched them. Paper data comes from the
 * outside world, so it is escaped in HTML and stripped of line breaks wherever it reaches a header.
 */
public final class AlertMailer {

    static final int MAX_AUTHORS = 5;
    static final int SNIPPET_CHARS = 500;
    /** More subscriptions in one email unsubscribe all of the recipient's (an empty list in the token). */
    public static final int MAX_UNSUBSCRIBE_IDS = 10;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /**
     * Where the links of an email lead, with signed tokens: unsubscribe links long-lived
     * ({@code tokens}), manage links short-lived ({@code manageTokens}) and of the address's
     * current generation, so that asking for a new one revokes the older ones.
     */
    public record Links(String baseUrl, String mailto, LinkTokens tokens, LinkTokens manageTokens,
            ManageGenerations generations) {

        /** Links with one lifetime for both kinds and no revocation (tests and tools). */
        public Links(String baseUrl, String mailto, LinkTokens tokens) {
            this(baseUrl, mailto, tokens, tokens, ManageGenerations.none());
        }

        /** The links the {@code mail.*} keys of {@link MailConfig#define} configure. */
        public static Links of(AbstractConfig config, Clock clock, ManageGenerations generations) {
            LinkTokens tokens = new LinkTokens(MailConfig.tokenSecret(config),
                    Duration.ofDays(config.getInt(MailConfig.TOKEN_TTL_DAYS)), clock);
            return new Links(config.getString(MailConfig.LINKS_BASE_URL).replaceFirst("/+$", ""),
                    config.getString(MailConfig.UNSUBSCRIBE_MAILTO), tokens,
                    tokens.withLifetime(Duration.ofDays(config.getInt(MailConfig.MANAGE_TTL_DAYS))), generations);
        }

        /**
         * Signed for the subscriptions the email is about; for an email about more than
         * {@link #MAX_UNSUBSCRIBE_IDS} of them, for all of the recipient's, which keeps the link
         * (and the {@code List-Unsubscribe} line) short.
         */
        String unsubscribe(Digest digest) {
            List<String> ids = subscriptionIds(digest);
            return baseUrl + "/unsubscribe?token=" + tokens.sign("unsubscribe", digest.getRecipient(),
                    ids.size() > MAX_UNSUBSCRIBE_IDS ? List.of() : ids);
        }

        /** Where requests from our own pages come from: the scheme, host and port of the base URL. */
        public String origin() {
            java.net.URI uri = java.net.URI.create(baseUrl);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        }

        /** The page where {@code recipient} sees and changes all of its subscriptions. */
        public String manage(String recipient) {
            return baseUrl + "/manage?token=" + manageTokens.sign("manage", recipient, List.of(),
                    generations.current(recipient));
        }

        /** For tests and tools: a random secret per process, so the links work only while it runs. */
        static Links local() {
            byte[] secret = new byte[32];
            new java.security.SecureRandom().nextBytes(secret);
            return new Links("http://localhost:8080", "", new LinkTokens(secret, Duration.ofDays(365),
                    Clock.systemUTC()));
        }
    }

    private final InternetAddress from;
    private final Links links;

    public AlertMailer(String from) {
        this(from, Links.local());
    }

    public AlertMailer(String from, Links links) {
        this.from = senderAddress(from);
        this.links = links;
    }

    /** The configured {@code From}, checked strictly, for every email the system sends. */
    public static InternetAddress senderAddress(String from) {
        try {
            return new InternetAddress(from, true);
        } catch (jakarta.mail.internet.AddressException e) {
            throw new IllegalArgumentException("Invalid sender address '" + from + "': " + e.getMessage(), e);
        }
    }

    public MimeMessage render(Session session, Digest digest) throws MessagingException {
        if (digest.getAlerts().isEmpty()) {
            throw new IllegalArgumentException("An empty digest is never sent: " + digest.getId());
        }
        MimeMessage message = new FixedIdMessage(session, messageId(digest));
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(digest.getRecipient(), true));
        message.setSubject(subject(digest), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(digest.getPeriodEnd()));
        message.setHeader("X-Paper-Ids", oneLine(String.join(" ",
                digest.getAlerts().stream().map(a -> a.getPaper().getId()).toList())));
        String unsubscribe = links.unsubscribe(digest);
        String manage = links.manage(digest.getRecipient());
        // RFC 8058 one-click unsubscribe: mail clients POST to the https link.
        // Folded: with many subscriptions the signed link makes a line longer than SMTP allows (998).
        message.setHeader("List-Unsubscribe", MimeUtility.fold("List-Unsubscribe: ".length(), "<" + unsubscribe + ">"
                + (links.mailto().isEmpty() ? "" : ", <mailto:" + links.mailto() + "?subject=unsubscribe>")));
        message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");

        MimeBodyPart text = new MimeBodyPart();
        text.setText(text(digest) + "-- \nYou receive this because " + digest.getRecipient()
                + " subscribed to paper alerts.\nManage your subscriptions: " + manage + "\nUnsubscribe: " + unsubscribe
                + "\n", StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(html(digest) + "<hr><p style=\"color:#777;font-size:smaller\">"
                + "You receive this because " + escape(digest.getRecipient()) + " subscribed to paper alerts. "
                + "<a href=\"" + escape(manage) + "\">Manage your subscriptions</a> &middot; "
                + "<a href=\"" + escape(unsubscribe) + "\">Unsubscribe</a></p></body></html>",
                StandardCharsets.UTF_8.name(), "html");
        message.setContent(new MimeMultipart("alternative", text, html));
        message.saveChanges();
        return message;
    }

    /** The same digest always gets the same id, so a re-sent copy is recognisable as such. */
    public static String messageId(Digest digest) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(
                    (digest.getRecipient() + "\n" + digest.getId()).getBytes(StandardCharsets.UTF_8));
            return "<" + HexFormat.of().formatHex(sha, 0, 16) + "@paper-alerts>";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String subject(Digest digest) {
        int papers = digest.getAlerts().size() + digest.getOmitted();
        String first = oneLine(digest.getAlerts().get(0).getPaper().getTitle());
        return switch (digest.getKind()) {
            case INSTANT -> papers == 1 ? "[paper-alerts] " + first
                    : "[paper-alerts] " + papers + " new papers: " + first + " and more";
            case DAILY -> "[paper-alerts] Daily digest, " + localDay(digest) + ": " + count(papers);
            case WEEKLY -> "[paper-alerts] Weekly digest, week of " + localDay(digest.getPeriodStart(), digest)
                    + ": " + count(papers);
            case BACKFILL -> "[paper-alerts] Papers from the last " + days(digest) + ": " + count(papers);
        };
    }

    private static String count(int papers) {
        return papers == 1 ? "1 paper" : papers + " papers";
    }

    private static String days(Digest digest) {
        long days = Math.max(1, Duration.between(digest.getPeriodStart(), digest.getPeriodEnd()).toDays());
        return days == 1 ? "day" : days + " days";
    }

    private static String localDay(Digest digest) {
        return localDay(digest.getPeriodEnd().minusSeconds(1), digest);
    }

    private static String localDay(java.time.Instant at, Digest digest) {
        ZoneId zone;
        try {
            zone = ZoneId.of(digest.getTimezone());
        } catch (java.time.DateTimeException e) {
            zone = ZoneOffset.UTC;
        }
        return DateTimeFormatter.ISO_LOCAL_DATE.format(at.atZone(zone));
    }

    /** Papers grouped under the query of the first subscription that matched each, in digest order. */
    private static Map<String, List<Alert>> bySubscription(Digest digest) {
        Map<String, List<Alert>> groups = new LinkedHashMap<>();
        for (Alert alert : digest.getAlerts()) {
            String query = alert.getReasons().isEmpty() ? "" : alert.getReasons().get(0).getQuery();
            groups.computeIfAbsent(query, q -> new ArrayList<>()).add(alert);
        }
        return groups;
    }

    private static String heading(Digest digest) {
        int listed = digest.getAlerts().size();
        return switch (digest.getKind()) {
            case INSTANT -> listed == 1 ? "" : listed + " new papers match your subscriptions.";
            case DAILY -> "Papers of " + localDay(digest) + " that match your subscriptions.";
            case WEEKLY -> "Papers of the week of " + localDay(digest.getPeriodStart(), digest)
                    + " that match your subscriptions.";
            case BACKFILL -> "Papers from the last " + days(digest) + " that match your subscription.";
        };
    }

    private static String more(Digest digest) {
        return digest.getOmitted() == 0 ? ""
                : "And " + digest.getOmitted() + " more matching paper" + (digest.getOmitted() == 1 ? "" : "s")
                        + ", not listed to keep this email short.";
    }

    private static String text(Digest digest) {
        StringBuilder out = new StringBuilder();
        String heading = heading(digest);
        if (!heading.isEmpty()) {
            out.append(heading).append("\n\n");
        }
        Map<String, List<Alert>> groups = bySubscription(digest);
        for (Map.Entry<String, List<Alert>> group : groups.entrySet()) {
            if (groups.size() > 1) {
                out.append("== ").append(oneLine(group.getKey())).append(" ==\n\n");
            }
            for (Alert alert : group.getValue()) {
                text(out, alert);
                out.append("\n");
            }
        }
        String more = more(digest);
        if (!more.isEmpty()) {
            out.append(more).append("\n\n");
        }
        return out.toString();
    }

    private static void text(StringBuilder out, Alert alert) {
        Paper paper = alert.getPaper();
        out.append(oneLine(paper.getTitle())).append("\n");
        if (!paper.getAuthors().isEmpty()) {
            out.append(authors(paper.getAuthors())).append("\n");
        }
        String meta = meta(paper);
        if (!meta.isEmpty()) {
            out.append(meta).append("\n");
        }
        String url = PaperUrls.httpOrNull(paper.getUrl());
        String pdf = PaperUrls.httpOrNull(paper.getPdfUrl());
        if (url != null) {
            out.append("Abstract: ").append(url).append("\n");
        }
        if (pdf != null) {
            out.append("PDF: ").append(pdf).append("\n");
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
    }

    private static String html(Digest digest) {
        StringBuilder out = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>"
                + "<body style=\"font-family:sans-serif;max-width:40em\">");
        String heading = heading(digest);
        if (!heading.isEmpty()) {
            out.append("<p>").append(escape(heading)).append("</p>");
        }
        Map<String, List<Alert>> groups = bySubscription(digest);
        for (Map.Entry<String, List<Alert>> group : groups.entrySet()) {
            if (groups.size() > 1) {
                out.append("<h3>Matches for <code>").append(escape(oneLine(group.getKey()))).append("</code></h3>");
            }
            for (Alert alert : group.getValue()) {
                html(out, alert);
            }
        }
        String more = more(digest);
        if (!more.isEmpty()) {
            out.append("<p><i>").append(escape(more)).append("</i></p>");
        }
        return out.toString();
    }

    private static void html(StringBuilder out, Alert alert) {
        Paper paper = alert.getPaper();
        String title = escape(oneLine(paper.getTitle()));
        String url = PaperUrls.httpOrNull(paper.getUrl());
        String pdf = PaperUrls.httpOrNull(paper.getPdfUrl());
        if (url != null) {
            out.append("<h2><a href=\"").append(escape(url)).append("\">").append(title)
                    .append("</a></h2>");
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
        LinkedHashSet<String> matched = new LinkedHashSet<>();
        alert.getReasons().forEach(r -> matched.addAll(r.getMatchedTerms()));
        out.append("<p>").append(highlight(escape(snippet(paper.getAbstractText())), List.copyOf(matched)))
                .append("</p>");
        if (pdf != null) {
            out.append("<p><a href=\"").append(escape(pdf)).append("\">PDF</a></p>");
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
        out.append("</ul>");
    }

    static List<String> subscriptionIds(Digest digest) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        digest.getAlerts().forEach(a -> ids.addAll(a.getSubscriptionIds()));
        return List.copyOf(ids);
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

    private static String meta(Paper paper) {
        String categories = String.join(", ", paper.getCategories());
        String date = paper.getPublished() == null ? "" : DAY.format(paper.getPublished());
        return oneLine(categories + (categories.isEmpty() || date.isEmpty() ? "" : " · ") + date);
    }

    /** Marks the matched words in already escaped text, whole words only, never inside an entity. */
    static String highlight(String escaped, List<String> matched) {
        List<String> terms = matched.stream().map(Html::escape).filter(t -> !t.isBlank())
                .sorted((a, b) -> b.length() - a.length()).toList();
        if (terms.isEmpty()) {
            return escaped;
        }
        String alternatives = String.join("|", terms.stream().map(Pattern::quote).toList());
        return Pattern.compile("(?<![\\w&#])(" + alternatives + ")(?![\\w;])", Pattern.CASE_INSENSITIVE)
                .matcher(escaped).replaceAll("<mark>$1</mark>");
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
