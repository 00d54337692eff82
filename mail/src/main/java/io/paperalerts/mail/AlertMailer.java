package io.paperalerts.mail;

import static io.paperalerts.mail.MailText.authors;
import static io.paperalerts.mail.MailText.details;
import static io.paperalerts.mail.MailText.highlight;
import static io.paperalerts.mail.MailText.oneLine;

import io.paperalerts.fingerprint.Sha256;
import io.paperalerts.papers.PaperUrls;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderRank;
import io.paperalerts.schemas.Recommendation;
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
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Renders one digest (one or more papers for one recipient) as a multipart text and HTML email,
 * compact like a Scholar alert: per paper a linked title, five authors, one highlighted snippet,
 * which subscription matched and why, and its links. Papers are grouped under the subscription
 * that first matched them; each group links to its archive page. Paper data comes from the outside
 * world: the templates escape it, and it is made one line (no controls, no bidi overrides) before.
 */
public final class AlertMailer {

    /** More subscriptions in one email unsubscribe all of the recipient's (an empty list in the token). */
    public static final int MAX_UNSUBSCRIBE_IDS = 10;

    static {
        MailStreamProvider.nameOnce();
    }

    private final InternetAddress from;
    private final MailLinks links;

    public AlertMailer(String from) {
        this(from, MailLinks.local());
    }

    public AlertMailer(String from, MailLinks links) {
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
        message.setHeader(
                "X-Paper-Ids",
                oneLine(String.join(
                        " ",
                        digest.getAlerts().stream()
                                .map(a -> a.getPaper().getId())
                                .toList())));
        // RFC 8058 one-click unsubscribe: mail clients POST to the https link.
        // Folded: with many subscriptions the signed link makes a line longer than SMTP allows (998).
        message.setHeader(
                "List-Unsubscribe",
                MimeUtility.fold(
                        "List-Unsubscribe: ".length(),
                        "<" + view.unsubscribeUrl() + ">"
                                + (links.mailto().isEmpty()
                                        ? ""
                                        : ", <mailto:" + links.mailto() + "?subject=unsubscribe>")));
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
        Map<String, ReaderRank> ranking = new HashMap<>();
        digest.getRanking().forEach(r -> ranking.put(r.getPaperId(), r));
        Map<String, List<Alert>> groups = bySubscription(digest, ranking);
        int papers = digest.getAlerts().size() + digest.getOmitted() + digest.getRankedLower();
        String unsubscribe = links.unsubscribe(digest);
        String manage = links.manage(digest.getRecipient());
        List<DigestView.Group> shown = new ArrayList<>();
        boolean several = groups.size() > 1;
        String seeAllUrl = null;
        for (List<Alert> alerts : groups.values()) {
            // An alert without reasons (none is written so, but a digest is outside data) still goes out.
            MatchReason reason = alerts.get(0).getReasons().isEmpty()
                    ? null
                    : alerts.get(0).getReasons().get(0);
            String query = reason == null ? "your subscriptions" : label(reason);
            String archive = reason == null ? null : archiveUrl(reason);
            seeAllUrl = several ? null : archive;
            // One subscription whose email left papers out links its archive in the notes already.
            boolean linked = several || digest.getOmitted() + digest.getRankedLower() == 0;
            shown.add(new DigestView.Group(
                    several ? query : null,
                    several ? "See all matches of " + query : "See all matches on the archive page",
                    linked ? archive : null,
                    alerts.stream()
                            .map(alert -> item(
                                    alert,
                                    ranking.get(alert.getPaper().getId()),
                                    links.opinions(
                                            digest.getRecipient(),
                                            alert.getPaper().getId())))
                            .toList()));
        }
        if (!digest.getRecommended().isEmpty()) {
            shown.add(new DigestView.Group(
                    RECOMMENDED_HEADING,
                    null,
                    null,
                    digest.getRecommended().stream()
                            .map(r -> recommended(
                                    r,
                                    links.opinions(
                                            digest.getRecipient(), r.getPaper().getId())))
                            .toList()));
        }
        String listedNote = null;
        String omittedNote = null;
        if (digest.getOmitted() > 0) {
            listedNote = "The first " + digest.getAlerts().size() + " are listed below"
                    + (several ? "; each subscription's archive page has all of its matches." : ".");
            omittedNote = "And " + digest.getOmitted() + " more matching paper" + (digest.getOmitted() == 1 ? "" : "s")
                    + ", not listed to keep this email short.";
        }
        String rankedLowerNote = null;
        if (digest.getRankedLower() > 0) {
            int lower = digest.getRankedLower();
            rankedLowerNote = lower + " more matching paper" + (lower == 1 ? "" : "s")
                    + ", ranked lower: like papers you wanted less of.";
        }
        return new DigestView(
                headline(digest, papers),
                listedNote,
                "See all " + papers + " on the archive page",
                seeAllUrl,
                shown,
                omittedNote,
                rankedLowerNote,
                // Several subscriptions: the manage page links each one's archive.
                seeAllUrl != null ? "See all " + papers + " on the archive page" : "Your archive pages",
                seeAllUrl != null ? seeAllUrl : manage,
                oneLine(digest.getRecipient()),
                manage,
                unsubscribe);
    }

    private String archiveUrl(MatchReason reason) {
        return reason.getArchiveToken() == null || reason.getArchiveToken().isEmpty()
                ? null
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
            case INSTANT ->
                papers == 1
                        ? "New paper for " + whom + ": "
                                + oneLine(digest.getAlerts().get(0).getPaper().getTitle())
                        : papers + " new papers for " + whom;
            case DAILY -> "Daily digest, " + localDay(digest) + ": " + count(papers) + " for " + whom;
            case WEEKLY ->
                "Weekly digest, week of " + localDay(digest.getPeriodStart(), digest) + ": " + count(papers) + " for "
                        + whom;
            case BACKFILL -> count(papers) + " from the last " + days(digest) + " for " + whom;
        };
    }

    /** The one subscription the email is about, quoted, or how many there are. */
    private static String whom(Digest digest) {
        Map<String, String> queries = new LinkedHashMap<>();
        digest.getAlerts()
                .forEach(a -> a.getReasons().forEach(r -> queries.putIfAbsent(r.getSubscriptionId(), label(r))));
        return queries.size() == 1
                ? queries.values().iterator().next()
                : queries.isEmpty() ? "your subscriptions" : "your " + queries.size() + " subscriptions";
    }

    /**
     * A query as emails show it: quoted and short, so that a long query cannot make a subject or
     * heading of its own.
     */
    public static String quoted(String query) {
        String text = oneLine(query);
        if (text.length() > 2
                && text.startsWith("\"")
                && text.endsWith("\"")
                && text.indexOf('"', 1) == text.length() - 1) {
            // One phrase: its own quotes inside ours would show it quoted twice.
            text = text.substring(1, text.length() - 1);
        }
        return quotedShort(text, 60);
    }

    /** In typographic quotes, cut to {@code max} code points (the last an ellipsis) when longer. */
    private static String quotedShort(String text, int max) {
        String shown = text.codePointCount(0, text.length()) <= max
                ? text
                : text.substring(0, text.offsetByCodePoints(0, max - 1)) + "\u2026";
        return "\u201c" + shown + "\u201d";
    }

    private static String count(int papers) {
        return papers == 1 ? "1 paper" : papers + " papers";
    }

    private static String days(Digest digest) {
        long days = Math.max(
                1,
                Duration.between(digest.getPeriodStart(), digest.getPeriodEnd()).toDays());
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
    public static final Comparator<Alert> LISTED = Comparator.comparing((Alert a) ->
                    a.getReasons().isEmpty() || a.getReasons().get(0).getTrendingRank() == null
                            ? Integer.MAX_VALUE
                            : a.getReasons().get(0).getTrendingRank())
            .thenComparing(a -> a.getPaper().getPublished(), Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(Alert::getMatchedAt);

    /**
     * Papers grouped under the first subscription that matched each, groups in digest order; papers
     * {@link #LISTED}, or in the reader's order when the digest has one (its ranking).
     */
    private static Map<String, List<Alert>> bySubscription(Digest digest, Map<String, ReaderRank> ranking) {
        List<Alert> ordered = new ArrayList<>(digest.getAlerts());
        if (!ranking.isEmpty()) {
            Map<String, Integer> place = new HashMap<>();
            for (int i = 0; i < digest.getRanking().size(); i++) {
                place.putIfAbsent(digest.getRanking().get(i).getPaperId(), i);
            }
            // Groups in the order of their best paper; a paper the ranking does not name goes last.
            ordered.sort(
                    Comparator.comparing(a -> place.getOrDefault(a.getPaper().getId(), Integer.MAX_VALUE)));
        }
        Map<String, List<Alert>> groups = new LinkedHashMap<>();
        for (Alert alert : ordered) {
            String id = alert.getReasons().isEmpty()
                    ? ""
                    : alert.getReasons().get(0).getSubscriptionId();
            groups.computeIfAbsent(id, q -> new ArrayList<>()).add(alert);
        }
        if (ranking.isEmpty()) {
            groups.values().forEach(papers -> papers.sort(LISTED));
        }
        return groups;
    }

    /** The heading of the papers recommended in an email, after those its subscriptions matched. */
    public static final String RECOMMENDED_HEADING = "Recommended for you";

    /** A paper recommended to the reader: no match to show, the beginning of its abstract instead. */
    static DigestView.Item recommended(Recommendation recommendation, DigestView.Opinions opinions) {
        Paper paper = recommendation.getPaper();
        return new DigestView.Item(
                oneLine(paper.getTitle()),
                PaperUrls.httpOrNull(paper.getUrl()),
                PaperUrls.httpOrNull(paper.getPdfUrl()),
                authors(paper.getAuthors()),
                details(paper),
                highlight(MailText.snippet(paper.getAbstractText()), List.of()),
                List.of(DigestView.Why.recommended(recommendation.getLike())),
                opinions);
    }

    /** One paper as a digest and an archive page list it. */
    public static DigestView.Item item(Alert alert) {
        return item(alert, null, null);
    }

    /**
     * @param rank its place in the reader's order, with the reason, or null in keyword order
     * @param opinions its "more like this" and "less like this" links, or null
     */
    public static DigestView.Item item(Alert alert, ReaderRank rank, DigestView.Opinions opinions) {
        Paper paper = alert.getPaper();
        List<String> matched = matched(alert);
        List<DigestView.Why> why = new ArrayList<>();
        if (rank != null && rank.getLike() != null && !rank.getLike().isBlank()) {
            why.add(DigestView.Why.like(rank.getLike()));
        }
        alert.getReasons().forEach(r -> why.add(why(r)));
        return new DigestView.Item(
                oneLine(paper.getTitle()),
                PaperUrls.httpOrNull(paper.getUrl()),
                PaperUrls.httpOrNull(paper.getPdfUrl()),
                authors(paper.getAuthors()),
                details(paper),
                highlight(snippet(alert, matched), matched),
                why,
                opinions);
    }

    /** A paper's title as a reason names it: one line, quoted, at most 80 characters. */
    static String quotedTitle(String title) {
        return quotedShort(oneLine(title), 80);
    }

    /** The words and phrases that matched, of every reason, once each. */
    private static List<String> matched(Alert alert) {
        LinkedHashSet<String> matched = new LinkedHashSet<>();
        alert.getReasons().forEach(r -> r.getMatchedTerms().forEach(t -> matched.add(oneLine(t))));
        return List.copyOf(matched);
    }

    /**
     * The text under a paper's title: the words around the first match, unless that was the title,
     * shown already: then the abstract where it mentions a matched word too, else its beginning.
     */
    static String snippet(Alert alert, List<String> matched) {
        String reasonSnippet = reasonSnippet(alert);
        return fromAbstract(alert, reasonSnippet)
                ? MailText.snippet(alert.getPaper().getAbstractText(), matched)
                : reasonSnippet;
    }

    /** The abstract's snippet an email shows for the alert; {@code null} if it shows the match's own. */
    static String abstractSnippet(Alert alert) {
        return fromAbstract(alert, reasonSnippet(alert))
                ? MailText.snippet(alert.getPaper().getAbstractText(), matched(alert))
                : null;
    }

    private static String reasonSnippet(Alert alert) {
        return alert.getReasons().isEmpty()
                ? ""
                : oneLine(alert.getReasons().get(0).getSnippet());
    }

    private static boolean fromAbstract(Alert alert, String reasonSnippet) {
        return reasonSnippet.isEmpty()
                || reasonSnippet.equals(oneLine(alert.getPaper().getTitle()));
    }

    private static DigestView.Why why(MatchReason reason) {
        String matched = oneLine(String.join(", ", reason.getMatchedTerms()));
        if (reason.getTrendingRank() == null) {
            return DigestView.Why.matched(quoted(reason.getQuery()), matched);
        }
        return DigestView.Why.trending(
                reason.getTrendingRank(),
                String.valueOf(reason.getTrendingDay()),
                reason.getQuery().isBlank() ? null : quoted(reason.getQuery()),
                matched);
    }

    /** What a subscription asks for, in a sentence: "the query “q”", or the trending papers it ranks. */
    public static String describe(Subscription subscription) {
        if (subscription.getTrendingTop() == null) {
            return "the query " + quoted(subscription.getQuery());
        }
        return mostUpvoted(
                subscription.getTrendingTop(),
                subscription.getDelivery() == DeliveryMode.WEEKLY ? " of each week" : " of each day",
                subscription.getQuery());
    }

    /** "the N most upvoted papers" of a period, and "matching “q”" when the ranking has a query. */
    private static String mostUpvoted(int count, String period, String query) {
        return (count == 1 ? "the most upvoted paper" : "the " + count + " most upvoted papers")
                + period
                + (query.isBlank() ? "" : " matching " + quoted(query));
    }

    /** What a subscription asks for, as emails name it: its quoted query, or what a trending one ranks. */
    static String label(MatchReason reason) {
        if (reason.getTrendingRank() == null) {
            return quoted(reason.getQuery());
        }
        return reason.getQuery().isBlank()
                ? "trending papers"
                : "trending papers matching " + quoted(reason.getQuery());
    }

    /** A trending subscription's digest: every paper carries its rank. */
    public static boolean trending(Digest digest) {
        return !digest.getAlerts().isEmpty()
                && digest.getAlerts().stream()
                        .allMatch(a -> !a.getReasons().isEmpty()
                                && a.getReasons().get(0).getTrendingRank() != null);
    }

    static List<String> subscriptionIds(Digest digest) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        digest.getAlerts().forEach(a -> ids.addAll(a.getSubscriptionIds()));
        return List.copyOf(ids);
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
