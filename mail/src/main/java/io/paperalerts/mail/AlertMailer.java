package io.paperalerts.mail;

import io.paperalerts.fingerprint.Sha256;
import io.paperalerts.papers.PaperUrls;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * Renders one digest (one or more papers for one recipient) as a multipart text and HTML email,
 * compact like a Scholar alert: per paper a linked title, five authors, one highlighted snippet,
 * which subscription matched and why, and its links. Papers are grouped under the subscription
 * that first matched them; each group links to its archive page. Paper data comes from the outside
 * world: the templates escape it, and it is made one line (no controls, no bidi overrides) before.
 */
public final class AlertMailer {

    static final int MAX_AUTHORS = 5;
    static final int SNIPPET_CHARS = 500;
    /** More subscriptions in one email unsubscribe all of the recipient's (an empty list in the token). */
    public static final int MAX_UNSUBSCRIBE_IDS = 10;
    static {
        MailStreamProvider.nameOnce();
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /**
     * Where the links of an email lead, with signed tokens: unsubscribe links long-lived
     * ({@code tokens}), manage links short-lived ({@code manageTokens}) and of the address's
     * current generation, so that revoking (the manage page's button) ends every older one.
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

        /**
         * The archive page of a subscription; its feeds are below it ({@code /atom}, {@code /json}).
         * The token is the subscription's own secret ({@code archiveToken}), not a signature: the
         * owner revokes it by asking for a new one, and a feed reader's link never expires.
         */
        public String archive(String subscriptionId, String archiveToken) {
            return baseUrl + archivePath(subscriptionId, archiveToken);
        }

        /** {@link #archive} without the base URL, for links within our own pages. */
        public String archivePath(String subscriptionId, String archiveToken) {
            return "/archive/" + urlPart(subscriptionId) + "/" + urlPart(archiveToken);
        }

        private static String urlPart(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        }

        /** Where requests from our own pages come from: the scheme, host and port of the base URL. */
        public String origin() {
            URI uri = URI.create(baseUrl);
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
            new SecureRandom().nextBytes(secret);
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
        } catch (AddressException e) {
            throw new IllegalArgumentException("Invalid sender address '" + from + "': " + e.getMessage(), e);
        }
    }

    public MimeMessage render(Session session, Digest digest) throws MessagingException {
        if (digest.getAlerts().isEmpty()) {
            throw new IllegalArgumentException("An empty digest is never sent: " + digest.getId());
        }
        DigestView view = view(digest);
        MimeMessage message = new FixedIdMessage(session, messageId(digest));
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(digest.getRecipient(), true));
        message.setSubject(subject(view), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(digest.getPeriodEnd()));
        message.setHeader("X-Paper-Ids", oneLine(String.join(" ",
                digest.getAlerts().stream().map(a -> a.getPaper().getId()).toList())));
        // RFC 8058 one-click unsubscribe: mail clients POST to the https link.
        // Folded: with many subscriptions the signed link makes a line longer than SMTP allows (998).
        message.setHeader("List-Unsubscribe", MimeUtility.fold("List-Unsubscribe: ".length(),
                "<" + view.unsubscribeUrl() + ">"
                        + (links.mailto().isEmpty() ? "" : ", <mailto:" + links.mailto() + "?subject=unsubscribe>")));
        message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.setContent(alternative(MailTemplates.text("digest", view), MailTemplates.html("digest", view)));
        message.saveChanges();
        return message;
    }

    /** A text part and an HTML part of the same email, UTF-8. */
    public static MimeMultipart alternative(String text, String html) throws MessagingException {
        MimeBodyPart textPart = new MimeBodyPart();
        textPart.setText(text, StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart htmlPart = new MimeBodyPart();
        htmlPart.setText(html, StandardCharsets.UTF_8.name(), "html");
        // Named here, Jakarta Mail need not write each part once more to choose an encoding; quoted-
        // printable suits any text (lines of the HTML are long, and titles and names may not be ASCII).
        textPart.setHeader(TRANSFER_ENCODING, QUOTED_PRINTABLE);
        htmlPart.setHeader(TRANSFER_ENCODING, QUOTED_PRINTABLE);
        return new MimeMultipart("alternative", textPart, htmlPart);
    }

    private static final String TRANSFER_ENCODING = "Content-Transfer-Encoding";
    private static final String QUOTED_PRINTABLE = "quoted-printable";

    /** The same digest always gets the same id, so a re-sent copy is recognisable as such. */
    public static String messageId(Digest digest) {
        return "<" + Sha256.hex(digest.getRecipient() + "\n" + digest.getId(), 16) + "@paper-alerts>";
    }

    /** The subject is the first line of the email, so the two always agree. */
    static String subject(DigestView view) {
        return "[paper-alerts] " + view.headline();
    }

    /** What the email says, for both of its parts. */
    DigestView view(Digest digest) {
        Map<String, List<Alert>> groups = bySubscription(digest);
        int papers = digest.getAlerts().size() + digest.getOmitted();
        String unsubscribe = links.unsubscribe(digest);
        String manage = links.manage(digest.getRecipient());
        List<DigestView.Group> shown = new ArrayList<>();
        boolean several = groups.size() > 1;
        String seeAllUrl = null;
        for (List<Alert> alerts : groups.values()) {
            // An alert without reasons (none is written so, but a digest is outside data) still goes out.
            MatchReason reason = alerts.get(0).getReasons().isEmpty() ? null : alerts.get(0).getReasons().get(0);
            String query = reason == null ? "your subscriptions" : label(reason);
            String archive = reason == null ? null : archiveUrl(reason);
            seeAllUrl = several ? null : archive;
            // One subscription whose email left papers out links its archive in the notes already.
            boolean linked = several || digest.getOmitted() == 0;
            shown.add(new DigestView.Group(several ? query : null,
                    several ? "See all matches of " + query : "See all matches on the archive page",
                    linked ? archive : null, alerts.stream().map(AlertMailer::item).toList()));
        }
        String listedNote = null;
        String omittedNote = null;
        if (digest.getOmitted() > 0) {
            listedNote = "The first " + digest.getAlerts().size() + " are listed below"
                    + (several ? "; each subscription's archive page has all of its matches." : ".");
            omittedNote = "And " + digest.getOmitted() + " more matching paper" + (digest.getOmitted() == 1 ? "" : "s")
                    + ", not listed to keep this email short.";
        }
        return new DigestView(headline(digest, papers), listedNote, "See all " + papers + " on the archive page",
                seeAllUrl, shown, omittedNote, oneLine(digest.getRecipient()), manage, unsubscribe);
    }

    private String archiveUrl(MatchReason reason) {
        return reason.getArchiveToken() == null || reason.getArchiveToken().isEmpty() ? null
                : links.archive(reason.getSubscriptionId(), reason.getArchiveToken());
    }

    static String headline(Digest digest, int papers) {
        String whom = whom(digest);
        if (trending(digest) && digest.getKind() != DigestKind.BACKFILL) {
            MatchReason first = digest.getAlerts().get(0).getReasons().get(0);
            return (digest.getKind() == DigestKind.WEEKLY ? "Trending in the week of " : "Trending on ")
                    + first.getTrendingDay() + ": " + mostUpvoted(papers, "", first.getQuery());
        }
        return switch (digest.getKind()) {
            case INSTANT -> papers == 1
                    ? "New paper for " + whom + ": " + oneLine(digest.getAlerts().get(0).getPaper().getTitle())
                    : papers + " new papers for " + whom;
            case DAILY -> "Daily digest, " + localDay(digest) + ": " + count(papers) + " for " + whom;
            case WEEKLY -> "Weekly digest, week of " + localDay(digest.getPeriodStart(), digest) + ": " + count(papers)
                    + " for " + whom;
            case BACKFILL -> count(papers) + " from the last " + days(digest) + " for " + whom;
        };
    }

    /** The one subscription the email is about, quoted, or how many there are. */
    private static String whom(Digest digest) {
        Map<String, String> queries = new LinkedHashMap<>();
        digest.getAlerts().forEach(a -> a.getReasons().forEach(r -> queries.putIfAbsent(r.getSubscriptionId(),
                label(r))));
        return queries.size() == 1 ? queries.values().iterator().next()
                : queries.isEmpty() ? "your subscriptions" : "your " + queries.size() + " subscriptions";
    }

    /**
     * A query as emails show it: quoted and short, so that a long query cannot make a subject or
     * heading of its own.
     */
    public static String quoted(String query) {
        String text = oneLine(query);
        if (text.length() > 2 && text.startsWith("\"") && text.endsWith("\"") && text.indexOf('"', 1) == text.length() - 1) {
            // One phrase: its own quotes inside ours would show it quoted twice.
            text = text.substring(1, text.length() - 1);
        }
        int max = 60;
        String shown = text.codePointCount(0, text.length()) <= max ? text
                : text.substring(0, text.offsetByCodePoints(0, max - 1)) + "\u2026";
        return "\u201c" + shown + "\u201d";
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

    private static String localDay(Instant at, Digest digest) {
        ZoneId zone;
        try {
            zone = ZoneId.of(digest.getTimezone());
        } catch (DateTimeException e) {
            zone = ZoneOffset.UTC;
        }
        return DateTimeFormatter.ISO_LOCAL_DATE.format(at.atZone(zone));
    }

    /**
     * The order of a subscription's papers in an email: a trending one's by rank; the others newest
     * first by publication date (the order readers know from arXiv listings), papers without one
     * last, then as they matched.
     */
    static final Comparator<Alert> LISTED = Comparator
            .comparing((Alert a) -> a.getReasons().isEmpty() || a.getReasons().get(0).getTrendingRank() == null
                    ? Integer.MAX_VALUE : a.getReasons().get(0).getTrendingRank())
            .thenComparing(a -> a.getPaper().getPublished(), Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(Alert::getMatchedAt);

    /** Papers grouped under the first subscription that matched each, groups in digest order, papers {@link #LISTED}. */
    private static Map<String, List<Alert>> bySubscription(Digest digest) {
        Map<String, List<Alert>> groups = new LinkedHashMap<>();
        for (Alert alert : digest.getAlerts()) {
            String id = alert.getReasons().isEmpty() ? "" : alert.getReasons().get(0).getSubscriptionId();
            groups.computeIfAbsent(id, q -> new ArrayList<>()).add(alert);
        }
        groups.values().forEach(papers -> papers.sort(LISTED));
        return groups;
    }

    /** One paper as a digest and an archive page list it. */
    public static DigestView.Item item(Alert alert) {
        Paper paper = alert.getPaper();
        String title = oneLine(paper.getTitle());
        LinkedHashSet<String> matched = new LinkedHashSet<>();
        alert.getReasons().forEach(r -> r.getMatchedTerms().forEach(t -> matched.add(oneLine(t))));
        String reasonSnippet = alert.getReasons().isEmpty() ? "" : oneLine(alert.getReasons().get(0).getSnippet());
        // One snippet: the words around the first match, unless that was the title, shown already:
        // then the abstract where it mentions a matched word too, else its beginning.
        String snippet = reasonSnippet.isEmpty() || reasonSnippet.equals(title)
                ? snippet(paper.getAbstractText(), List.copyOf(matched)) : reasonSnippet;
        return new DigestView.Item(title, PaperUrls.httpOrNull(paper.getUrl()), PaperUrls.httpOrNull(paper.getPdfUrl()),
                authors(paper.getAuthors()), details(paper), highlight(snippet, List.copyOf(matched)),
                alert.getReasons().stream().map(AlertMailer::why).toList());
    }

    private static DigestView.Why why(MatchReason reason) {
        String matched = oneLine(String.join(", ", reason.getMatchedTerms()));
        if (reason.getTrendingRank() == null) {
            return DigestView.Why.matched(quoted(reason.getQuery()), matched);
        }
        return DigestView.Why.trending(reason.getTrendingRank(), String.valueOf(reason.getTrendingDay()),
                reason.getQuery().isBlank() ? null : quoted(reason.getQuery()), matched);
    }

    /** What a subscription asks for, in a sentence: "the query “q”", or the trending papers it ranks. */
    public static String describe(Subscription subscription) {
        if (subscription.getTrendingTop() == null) {
            return "the query " + quoted(subscription.getQuery());
        }
        return mostUpvoted(subscription.getTrendingTop(),
                subscription.getDelivery() == DeliveryMode.WEEKLY ? " of each week" : " of each day",
                subscription.getQuery());
    }

    /** "the N most upvoted papers" of a period, and "matching “q”" when the ranking has a query. */
    private static String mostUpvoted(int count, String period, String query) {
        return (count == 1 ? "the most upvoted paper" : "the " + count + " most upvoted papers") + period
                + (query.isBlank() ? "" : " matching " + quoted(query));
    }

    /** What a subscription asks for, as emails name it: its quoted query, or what a trending one ranks. */
    static String label(MatchReason reason) {
        if (reason.getTrendingRank() == null) {
            return quoted(reason.getQuery());
        }
        return reason.getQuery().isBlank() ? "trending papers" : "trending papers matching " + quoted(reason.getQuery());
    }

    /** A trending subscription's digest: every paper carries its rank. */
    private static boolean trending(Digest digest) {
        return !digest.getAlerts().isEmpty() && digest.getAlerts().stream()
                .allMatch(a -> !a.getReasons().isEmpty() && a.getReasons().get(0).getTrendingRank() != null);
    }

    static List<String> subscriptionIds(Digest digest) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        digest.getAlerts().forEach(a -> ids.addAll(a.getSubscriptionIds()));
        return List.copyOf(ids);
    }

    /**
     * Outside text made fit for one line of an email or page: line breaks become spaces; control
     * characters and the bidirectional overrides (which could make a title reverse the text after
     * it) are dropped. Right-to-left scripts themselves are kept.
     */
    public static String oneLine(String value) {
        if (value == null) {
            return "";
        }
        if (isOneLine(value)) {
            // Most titles, names and abstracts: nothing to change, and the three passes below are a
            // regular expression each, for every field of every email.
            return value;
        }
        return SPACES.matcher(UNPRINTABLE.matcher(LINE_BREAKS.matcher(value).replaceAll(" ")).replaceAll(""))
                .replaceAll(" ").strip();
    }

    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n\\t\\u0085\\u2028\\u2029]+");
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\\u202A-\\u202E\\u2066-\\u2069]");
    private static final Pattern SPACES = Pattern.compile(" {2,}");

    /** Whether {@link #oneLine} would return the value as it is: no break, control or override, no double or outer space. */
    private static boolean isOneLine(String value) {
        int length = value.length();
        if (length > 0 && (Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(length - 1)))) {
            return false;
        }
        char previous = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E)
                    || (c >= 0x2066 && c <= 0x2069) || (c == ' ' && previous == ' ')) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    static String authors(List<String> authors) {
        List<String> names = authors.stream().map(AlertMailer::oneLine).filter(a -> !a.isEmpty()).toList();
        if (names.size() <= MAX_AUTHORS) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, MAX_AUTHORS)) + " et al.";
    }

    /** The abstract from a little before the first matched word in it, or from its beginning. */
    static String snippet(String abstractText, List<String> matched) {
        String text = oneLine(abstractText);
        Pattern words = matchedWords(matched);
        Matcher m = words == null ? null : words.matcher(text);
        int first = m != null && m.find() ? m.start() : -1;
        if (first < 0 || first + 40 <= SNIPPET_CHARS) {
            return snippet(text);
        }
        int from = text.lastIndexOf(' ', Math.max(0, first - 60));
        return "\u2026 " + snippet(text.substring(from < 0 ? 0 : from + 1));
    }

    static String snippet(String abstractText) {
        String text = oneLine(abstractText);
        if (text.length() <= SNIPPET_CHARS) {
            return text;
        }
        int cut = text.lastIndexOf(' ', SNIPPET_CHARS);
        return text.substring(0, cut > SNIPPET_CHARS / 2 ? cut : SNIPPET_CHARS) + " \u2026";
    }

    /** Categories, date and upvotes, those the paper has. */
    static String details(Paper paper) {
        List<String> parts = new ArrayList<>();
        List<String> categories = paper.getCategories().stream().map(AlertMailer::oneLine).filter(c -> !c.isEmpty())
                .limit(3).toList();
        if (!categories.isEmpty()) {
            parts.add(String.join(", ", categories));
        }
        if (paper.getPublished() != null) {
            parts.add(DAY.format(paper.getPublished()));
        }
        if (paper.getUpvotes() != null && paper.getUpvotes() > 0) {
            parts.add(paper.getUpvotes() == 1 ? "1 upvote" : paper.getUpvotes() + " upvotes");
        }
        return String.join(" \u00b7 ", parts);
    }

    /** Splits the text so that the matched words, whole words in any case, are marked. */
    /** The matched words and phrases as whole words, longest first, any case; {@code null} when there are none. */
    private static Pattern matchedWords(List<String> matched) {
        List<String> terms = matched.stream().filter(t -> !t.isBlank()).sorted((a, b) -> b.length() - a.length())
                .toList();
        if (terms.isEmpty()) {
            return null;
        }
        String alternatives = String.join("|", terms.stream().map(Pattern::quote).toList());
        return Pattern.compile("(?<![\\p{L}\\p{N}])(" + alternatives + ")(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    static List<DigestView.Part> highlight(String text, List<String> matched) {
        if (text.isEmpty()) {
            return List.of();
        }
        Pattern words = matchedWords(matched);
        if (words == null) {
            return List.of(new DigestView.Part(text, false));
        }
        Matcher m = words.matcher(text);
        List<DigestView.Part> parts = new ArrayList<>();
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                parts.add(new DigestView.Part(text.substring(at, m.start()), false));
            }
            parts.add(new DigestView.Part(m.group(), true));
            at = m.end();
        }
        if (at < text.length()) {
            parts.add(new DigestView.Part(text.substring(at), false));
        }
        return parts;
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
