package io.paperalerts.mail;

import static io.paperalerts.testing.TestDigests.alert;
import static io.paperalerts.testing.TestDigests.digest;
import static io.paperalerts.testing.TestDigests.instant;
import static io.paperalerts.testing.TestDigests.paper;
import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderRank;
import io.paperalerts.schemas.Recommendation;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.IntStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AlertMailerTest {

    private static final LinkTokens TOKENS = new LinkTokens(
            "a test secret of 32 bytes, ok!!!".getBytes(StandardCharsets.UTF_8),
            Duration.ofDays(30),
            Clock.systemUTC());
    private final AlertMailer mailer = new AlertMailer(
            "paper-alerts <alerts@example.org>",
            new MailLinks("https://alerts.example.org", "unsubscribe@example.org", TOKENS));
    private final Session session = Session.getInstance(new Properties());

    static String text(MimeMessage message) throws Exception {
        return (String) ((MimeMultipart) message.getContent()).getBodyPart(0).getContent();
    }

    static Document html(MimeMessage message) throws Exception {
        return Jsoup.parse(
                (String) ((MimeMultipart) message.getContent()).getBodyPart(1).getContent());
    }

    /** A subscription's match whose archive has a token, as the streams service emits it. */
    static Alert archived(String recipient, Paper paper, String subscriptionId, String query, String matched) {
        Alert alert = alert(recipient, paper, subscriptionId, query, matched);
        alert.getReasons().forEach(r -> r.setArchiveToken("tok-" + subscriptionId));
        return alert;
    }

    @Test
    void shouldShowAPaperCompactlyWithOneHighlightedSnippetAndWhyItMatched() throws Exception {
        // Given a paper with seven authors and upvotes
        Paper paper = paper("Reward Hacking, Explained");
        paper.setAuthors(
                IntStream.rangeClosed(1, 7).mapToObj(i -> "Author " + i).toList());
        paper.setUpvotes(42);
        paper.setAbstractText("We study reward hacking in RL. Reward hacking is common.");
        Alert alert = alert("ada@example.org", paper);
        alert.getReasons().get(0).setSnippet("We study reward hacking in RL.");

        // When it is emailed
        MimeMessage message = mailer.render(session, instant(alert));

        // Then the HTML part has the linked title, five authors, one snippet with the words marked, why, the links
        Document html = html(message);
        Element entry = html.selectFirst(".paper");
        assertThat(entry.selectFirst(".title a").attr("href")).isEqualTo("https://arxiv.org/abs/2501.01234");
        assertThat(entry.selectFirst(".title").text()).isEqualTo("Reward Hacking, Explained");
        assertThat(entry.selectFirst(".authors").text())
                .isEqualTo("Author 1, Author 2, Author 3, Author 4, Author 5 et al.");
        assertThat(entry.select(".snippet")).hasSize(1);
        assertThat(entry.selectFirst(".snippet").text()).isEqualTo("We study reward hacking in RL.");
        assertThat(entry.select(".snippet mark")).extracting(Element::text).containsExactly("reward hacking");
        assertThat(entry.selectFirst(".why").text())
                .contains(
                        "Matched \u201creward hacking\u201d: Reward Hacking",
                        "cs.LG \u00b7 2025-01-02 \u00b7 42 upvotes",
                        "Abstract",
                        "PDF");
        assertThat(entry.select(".why a"))
                .extracting(e -> e.attr("href"))
                .containsExactly("https://arxiv.org/abs/2501.01234", "https://arxiv.org/pdf/2501.01234");
        // And no abstract text twice (the old email repeated the snippet)
        assertThat(html.body().text().split("We study reward hacking", -1)).hasSize(2);
        // And the text part says the same
        assertThat(text(message))
                .contains("Reward Hacking, Explained\nAuthor 1, Author 2, Author 3, Author 4, "
                        + "Author 5 et al.\nWe study reward hacking in RL.\nMatched \u201creward hacking\u201d: Reward Hacking\n"
                        + "cs.LG \u00b7 2025-01-02 \u00b7 42 upvotes\nAbstract: https://arxiv.org/abs/2501.01234\n"
                        + "PDF: https://arxiv.org/pdf/2501.01234\n");
    }

    @ParameterizedTest
    @EnumSource(DigestKind.class)
    void shouldMakeTheSubjectTheFirstLineOfBothParts(DigestKind kind) throws Exception {
        // Given a digest of this kind that did not fit: 50 listed, 19 left out
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            alerts.add(archived("ada@example.org", paper("p" + i, "Paper " + i), "s1", "reward hacking", "reward"));
        }
        Digest digest = digest(kind, 19, alerts.toArray(new Alert[0]));

        // When it is emailed
        MimeMessage message = mailer.render(session, digest);

        // Then subject and first lines agree, and count every matching paper
        String headline = message.getSubject().substring("[paper-alerts] ".length());
        assertThat(text(message).lines().findFirst()).contains(headline);
        assertThat(html(message).body().selectFirst("p").text()).isEqualTo(headline);
        assertThat(headline).contains("69").contains("\u201creward hacking\u201d");
    }

    @Test
    void shouldLinkTheArchivePageFromTheNoteOfADigestThatDidNotFit() throws Exception {
        // Given an instant digest of 50 papers with 19 more left out
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            alerts.add(archived("ada@example.org", paper("p" + i, "Paper " + i), "s1", "reward hacking", "reward"));
        }

        // When it is emailed
        MimeMessage message = mailer.render(session, digest(DigestKind.INSTANT, 19, alerts.toArray(new Alert[0])));

        // Then it says how many are listed and links every one of them
        assertThat(message.getSubject()).isEqualTo("[paper-alerts] 69 new papers for \u201creward hacking\u201d");
        Document html = html(message);
        assertThat(html.select(".note"))
                .extracting(Element::text)
                .containsExactly(
                        "The first 50 are listed below. See all 69 on the archive page",
                        "And 19 more matching papers, not listed to keep this email short. See all 69 on the archive page");
        assertThat(html.select("a.see-all"))
                .extracting(e -> e.attr("href"))
                .containsOnly("https://alerts.example.org/archive/s1/tok-s1");
        assertThat(text(message))
                .contains("And 19 more matching papers, not listed to keep this email short. "
                        + "See all 69 on the archive page: https://alerts.example.org/archive/s1/tok-s1");
        assertThat(html.select(".paper")).hasSize(50);
    }

    @Test
    void shouldGroupByTheSubscriptionThatMatchedWithALinkToEachArchive() throws Exception {
        Digest daily = digest(
                DigestKind.DAILY,
                3,
                archived("ada@example.org", paper("p1", "Reward models"), "s1", "reward", "Reward"),
                archived("ada@example.org", paper("p2", "Protein folding"), "s2", "protein", "Protein"),
                archived("ada@example.org", paper("p3", "Reward hacking"), "s1", "reward", "Reward"));

        MimeMessage message = mailer.render(session, daily);

        assertThat(message.getSubject())
                .isEqualTo("[paper-alerts] Daily digest, 2026-11-28: 6 papers for your 2 subscriptions");
        assertThat(text(message))
                .containsSubsequence(
                        "== \u201creward\u201d ==",
                        "Reward models",
                        "Reward hacking",
                        "See all matches of \u201creward\u201d: https://alerts.example.org/archive/s1/tok-s1",
                        "== \u201cprotein\u201d ==",
                        "Protein folding",
                        "And 3 more matching papers, not listed");
        Document html = html(message);
        assertThat(html.select("h2.group"))
                .extracting(Element::text)
                .containsExactly("\u201creward\u201d", "\u201cprotein\u201d");
        assertThat(html.select("a.archive"))
                .extracting(e -> e.attr("href"))
                .containsExactly(
                        "https://alerts.example.org/archive/s1/tok-s1", "https://alerts.example.org/archive/s2/tok-s2");
    }

    private static Alert ranked(String id, int upvotes, int rank, String query) {
        Paper paper = paper(id, "Paper " + id);
        paper.setUpvotes(upvotes);
        Alert alert = alert("ada@example.org", paper, "t1", query, "");
        alert.getReasons().forEach(r -> {
            r.setTrendingRank(rank);
            r.setTrendingDay(LocalDate.parse("2026-06-12"));
        });
        return alert;
    }

    @Test
    void shouldHeadATrendingDigestWithItsDayAndListEachPaperWithItsRankAndUpvotes() throws Exception {
        // Given a daily trending digest of two papers, most upvoted first
        Digest digest = digest(DigestKind.DAILY, 0, ranked("a", 118, 1, ""), ranked("b", 103, 2, ""));

        // When it is emailed
        MimeMessage message = mailer.render(session, digest);

        // Then the subject names the day and the count, and each paper its rank and upvotes, in order
        assertThat(message.getSubject()).isEqualTo("[paper-alerts] Trending on 2026-06-12: the 2 most upvoted papers");
        assertThat(html(message).select(".why").eachText())
                .satisfiesExactly(
                        first -> assertThat(first)
                                .startsWith("#1 trending on 2026-06-12")
                                .contains("118 upvotes"),
                        second -> assertThat(second)
                                .startsWith("#2 trending on 2026-06-12")
                                .contains("103 upvotes"));
        assertThat(text(message)).contains("#1 trending on 2026-06-12").contains("#2 trending on 2026-06-12");
    }

    @Test
    void shouldNameTheQueryOfATrendingSubscriptionThatHasOne() throws Exception {
        Digest digest = digest(DigestKind.WEEKLY, 0, ranked("a", 30, 1, "reward"));

        MimeMessage message = mailer.render(session, digest);

        assertThat(message.getSubject())
                .isEqualTo(
                        "[paper-alerts] Trending in the week of 2026-06-12: the most upvoted paper matching \u201creward\u201d");
    }

    @Test
    void shouldNameTheBackfillPeriodInTheSubject() throws Exception {
        Digest backfill = digest(DigestKind.BACKFILL, 0, alert("ada@example.org", paper("p1", "Reward models")));
        backfill.setPeriodStart(Instant.parse("2026-11-21T08:00:00Z"));

        assertThat(mailer.render(session, backfill).getSubject())
                .isEqualTo("[paper-alerts] 1 paper from the last 7 days for \u201creward hacking\u201d");
    }

    @Test
    void shouldNameASinglePaperInTheSubject() throws Exception {
        assertThat(mailer.render(session, instant(alert("ada@example.org", paper("Reward Hacking, Explained"))))
                        .getSubject())
                .isEqualTo("[paper-alerts] New paper for \u201creward hacking\u201d: Reward Hacking, Explained");
    }

    @Test
    void shouldInlineTheStylesheetAndKeepDarkModeRulesForClientsThatReadThem() throws Exception {
        Document html = html(mailer.render(session, instant(alert("ada@example.org", paper("T")))));

        assertThat(html.selectFirst(".paper .title").attr("style")).contains("font-weight:bold");
        assertThat(html.body().attr("style")).contains("background-color");
        assertThat(html.selectFirst("meta[name=color-scheme]").attr("content")).isEqualTo("light dark");
        assertThat(html.head().select("style").html()).contains("prefers-color-scheme: dark");
        assertThat(html.selectFirst("meta[name=viewport]").attr("content")).contains("width=device-width");
    }

    @Test
    void shouldOfferOneClickUnsubscribeWithASignedTokenAndAFooter() throws Exception {
        MimeMessage message = mailer.render(session, instant(alert("ada@example.org", paper("T"))));

        // Folded onto lines SMTP allows; read unfolded
        String header = MimeUtility.unfold(message.getHeader("List-Unsubscribe")[0]);
        assertThat(header)
                .matches("<https://alerts\\.example\\.org/unsubscribe\\?token=[\\w.-]+>, "
                        + "<mailto:unsubscribe@example\\.org\\?subject=unsubscribe>");
        assertThat(message.getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
        String token = header.substring(header.indexOf("token=") + 6, header.indexOf('>'));
        assertThat(TOKENS.verify(token).subscriptionIds()).containsExactly("s1");
        assertThat(text(message))
                .contains(
                        "Unsubscribe: https://alerts.example.org/unsubscribe?token=" + token,
                        "Manage your subscriptions: https://alerts.example.org/manage?token=");
        assertThat(html(message).select(".footer a"))
                .extracting(Element::text)
                .containsExactly("Manage your subscriptions", "Unsubscribe");
    }

    @Test
    void shouldMarkWholeWordsInAnyCase() {
        List<DigestView.Part> parts =
                MailText.highlight("Reward & Rewarding: a reward hacking study", List.of("Reward Hacking", "Reward"));

        assertThat(parts)
                .containsExactly(
                        new DigestView.Part("Reward", true),
                        new DigestView.Part(" & Rewarding: a ", false),
                        new DigestView.Part("reward hacking", true),
                        new DigestView.Part(" study", false));
    }

    @Test
    void shouldEncodeANonAsciiSubjectPerRfc2047() throws Exception {
        MimeMessage message =
                mailer.render(session, instant(alert("ada@example.org", paper("Über Belohnungen – 強化学習"))));

        assertThat(message.getHeader("Subject")[0]).startsWith("=?UTF-8?");
        assertThat(message.getSubject()).endsWith(": Über Belohnungen – 強化学習");
    }

    @Test
    void shouldGiveTheSameMessageIdToTheSameDigestAndAnotherToAnotherRecipient() throws Exception {
        var first = mailer.render(session, instant(alert("ada@example.org", paper("T"))));
        var again = mailer.render(session, instant(alert("ada@example.org", paper("T"))));
        var other = mailer.render(session, instant(alert("bob@example.org", paper("T"))));

        assertThat(first.getMessageID()).matches("<[0-9a-f]{32}@paper-alerts>").isEqualTo(again.getMessageID());
        assertThat(other.getMessageID()).isNotEqualTo(first.getMessageID());
    }

    @Test
    void shouldCutALongAbstractAtAWordBoundary() {
        String longAbstract = String.join(" ", Collections.nCopies(200, "word"));

        String snippet = MailText.snippet(longAbstract);

        assertThat(snippet).endsWith("word …").hasSizeLessThanOrEqualTo(MailText.SNIPPET_CHARS + 2);
        assertThat(snippet.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(MailText.SNIPPET_CHARS / 2);
    }

    @Test
    void shouldKeepEveryHeaderLineShortWithFortySubscriptions() throws Exception {
        // Given a digest whose papers matched forty subscriptions
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            alerts.add(alert(
                    "many@example.org",
                    paper("2501.0" + (1000 + i), "Paper " + i),
                    "s-" + "0123456789abcdef".substring(0, 14) + (10 + i),
                    "paper",
                    "Paper"));
        }
        MimeMessage message = mailer.render(session, instant(alerts.toArray(new Alert[0])));

        // Then no line of the message is longer than SMTP allows
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);
        assertThat(raw.toString(StandardCharsets.UTF_8).split("\r\n"))
                .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
    }

    @Test
    void shouldLeaveTheArchiveLinkOutForASubscriptionWithoutAToken() throws Exception {
        MatchReason reason = alert("ada@example.org", paper("T")).getReasons().get(0);
        assertThat(reason.getArchiveToken()).isNull();

        MimeMessage message = mailer.render(session, instant(alert("ada@example.org", paper("T"))));

        assertThat(html(message).select("a.archive, a.see-all")).isEmpty();
        assertThat(text(message)).doesNotContain("/archive/");
    }

    @Test
    void shouldQuoteAQueryAndShortenALongOneSoItCannotWriteAMessageOfItsOwn() {
        assertThat(AlertMailer.quoted("grpo")).isEqualTo("\u201cgrpo\u201d");
        String long60 = "x".repeat(60);
        assertThat(AlertMailer.quoted(long60)).isEqualTo("\u201c" + long60 + "\u201d");
        String shown = AlertMailer.quoted("Your account is locked. Call +1 555 0100 now, " + "y".repeat(100));
        assertThat(shown).hasSize(62).endsWith("\u2026\u201d").startsWith("\u201cYour account is locked.");
    }

    @Test
    void shouldListASubscriptionsPapersNewestFirstWhateverOrderTheyMatchedIn() throws Exception {
        // Given a daily digest whose papers matched oldest, newest, undated, middle
        List<Alert> alerts = new ArrayList<>();
        String[][] papers = {{"old", "2025-01-01"}, {"new", "2025-03-01"}, {"undated", null}, {"middle", "2025-02-01"}};
        for (int i = 0; i < papers.length; i++) {
            Paper paper = paper("2501.0000" + i, "Paper " + papers[i][0]);
            paper.setPublished(papers[i][1] == null ? null : Instant.parse(papers[i][1] + "T00:00:00Z"));
            Alert alert = alert("ada@example.org", paper);
            alert.setMatchedAt(Instant.parse("2026-11-28T10:00:00Z").plusSeconds(i));
            alerts.add(alert);
        }

        // When it is emailed
        MimeMessage message = mailer.render(session, digest(DigestKind.DAILY, 0, alerts.toArray(Alert[]::new)));

        // Then the papers are newest first, the undated one last, in both parts
        assertThat(html(message).select(".paper .title"))
                .extracting(Element::text)
                .containsExactly("Paper new", "Paper middle", "Paper old", "Paper undated");
        String text = text(message);
        assertThat(text.indexOf("Paper new")).isLessThan(text.indexOf("Paper middle"));
        assertThat(text.indexOf("Paper old")).isLessThan(text.indexOf("Paper undated"));
    }

    @Test
    void shouldListARankedDigestInTheReadersOrderWithItsReasonAndSayHowManyWereRankedLower() throws Exception {
        // Given a digest its reader's ranking ordered oldest first, naming the liked paper of one, two left out
        Paper older = paper("2501.00001", "Tactile grasping");
        older.setPublished(Instant.parse("2025-01-01T00:00:00Z"));
        Paper newer = paper("2501.00002", "Theorem proving");
        newer.setPublished(Instant.parse("2025-03-01T00:00:00Z"));
        Digest digest = digest(
                DigestKind.DAILY,
                0,
                archived("ada@example.org", newer, "s1", "agents", "agents"),
                archived("ada@example.org", older, "s1", "agents", "agents"));
        digest.setRanking(
                List.of(new ReaderRank("2501.00001", "Robot hands that grasp"), new ReaderRank("2501.00002", null)));
        digest.setRankedLower(2);

        // When it is emailed
        MimeMessage message = mailer.render(session, digest);

        // Then the papers are in the reader's order, not newest first, the first with its reason
        Document html = html(message);
        assertThat(html.select(".paper .title"))
                .extracting(Element::text)
                .containsExactly("Tactile grasping", "Theorem proving");
        assertThat(html.select(".paper").get(0).select(".why .match"))
                .extracting(Element::text)
                .first()
                .isEqualTo("Like \u201cRobot hands that grasp\u201d, which you liked");
        assertThat(html.select(".paper").get(1).text()).doesNotContain("which you liked");
        // and each paper links its more and less, signed for the reader and that paper
        Element more = html.select(".paper").get(0).selectFirst("a.more-like");
        assertThat(more.attr("href"))
                .startsWith("https://alerts.example.org/feedback?token=")
                .endsWith("&opinion=more");
        String token = more.attr("href").replaceAll(".*token=([^&]+)&.*", "$1");
        assertThat(TOKENS.verify(token).recipient()).isEqualTo("ada@example.org");
        assertThat(TOKENS.verify(token).subscriptionIds()).containsExactly("2501.00001");
        assertThat(TOKENS.verify(token).action()).isEqualTo("feedback");
        assertThat(html.select(".paper").get(1).selectFirst("a.less-like").attr("href"))
                .endsWith("&opinion=less");
        // and the papers left out are counted, never silently, with a link to where they are
        assertThat(html.selectFirst(".ranked-lower").text())
                .startsWith("2 more matching papers, ranked lower: like papers you wanted less of.");
        assertThat(html.selectFirst(".ranked-lower a").attr("href"))
                .isEqualTo("https://alerts.example.org/archive/s1/tok-s1");
        assertThat(html.selectFirst(".headline").text()).contains("4 papers");
        String text = text(message);
        assertThat(text.indexOf("Tactile grasping")).isLessThan(text.indexOf("Theorem proving"));
        assertThat(text).contains("More like this: " + more.attr("href"));
    }

    @Test
    void shouldListRecommendedPapersUnderTheirOwnHeadingAfterTheMatchesWithTheirReasonAndLinks() throws Exception {
        // Given a digest of one match, with a paper recommended for a paper the reader liked
        Digest digest = digest(
                DigestKind.INSTANT,
                0,
                archived("ada@example.org", paper("2501.00002", "Theorem proving"), "s1", "agents", "agents"));
        Paper suggested = paper("2501.00003", "Tactile <b>hands</b>");
        suggested.setAbstractText("Robot hands with tactile sensors grasp fragile objects.");
        digest.setRecommended(
                List.of(new Recommendation(ShownPapers.recommended(suggested), "Robot hands that grasp")));

        // When it is emailed
        MimeMessage message = mailer.render(session, digest);

        // Then the match comes first, then the recommendation under its heading, with its reason and snippet
        Document html = html(message);
        assertThat(html.select(".paper .title"))
                .extracting(Element::text)
                .containsExactly("Theorem proving", "Tactile <b>hands</b>");
        assertThat(html.select("h2.group")).extracting(Element::text).containsExactly("Recommended for you");
        Element recommended = html.select(".paper").get(1);
        assertThat(recommended.select(".why .match").text())
                .isEqualTo("Recommended: none of your subscriptions matched it, but it is like "
                        + "\u201cRobot hands that grasp\u201d, which you liked");
        assertThat(recommended.select(".snippet").text())
                .isEqualTo("Robot hands with tactile sensors grasp fragile objects.");
        // and its own "more like this", signed for the reader and that paper
        String token = recommended.selectFirst("a.more-like").attr("href").replaceAll(".*token=([^&]+)&.*", "$1");
        assertThat(TOKENS.verify(token).recipient()).isEqualTo("ada@example.org");
        assertThat(TOKENS.verify(token).subscriptionIds()).containsExactly("2501.00003");
        // and the headline counts the matches only
        assertThat(html.selectFirst(".headline").text()).contains("Theorem proving");
        assertThat(text(message)).contains("== Recommended for you ==");
    }

    @Test
    void shouldShowTheAbstractWhereItMentionsAWordThatMatchedInTheTitle() throws Exception {
        // Given a paper that matched in its title, whose abstract names the word only late
        Paper paper = paper("Diffusion for proteins");
        paper.setAbstractText("We study the folding of large proteins under many conditions. ".repeat(10)
                + "Our method uses diffusion to sample conformations quickly.");
        Alert alert = alert("ada@example.org", paper, "s1", "diffusion", "Diffusion");

        // When it is emailed
        Document html = html(mailer.render(session, instant(alert)));

        // Then the snippet is that part of the abstract, the word marked
        assertThat(html.selectFirst(".snippet").text()).startsWith("\u2026 ").contains("uses diffusion to sample");
        assertThat(html.select(".snippet mark")).extracting(Element::text).containsExactly("diffusion");
    }

    @Test
    void shouldQuoteAOnePhraseQueryOnceAndKeepThePhrasesOfALongerOne() {
        assertThat(AlertMailer.quoted("\"reward hacking\"")).isEqualTo("\u201creward hacking\u201d");
        assertThat(AlertMailer.quoted("\"reward hacking\" AND diffusion"))
                .isEqualTo("\u201c\"reward hacking\" AND diffusion\u201d");
        assertThat(AlertMailer.quoted("\"a\" OR \"b\"")).isEqualTo("\u201c\"a\" OR \"b\"\u201d");
    }

    @Test
    void shouldSayInTheTextPartEverythingTheHtmlPartSays() throws Exception {
        // Given a digest of two subscriptions that did not fit
        Paper upvoted = paper("p2", "Protein folding");
        upvoted.setUpvotes(7);
        MimeMessage message = mailer.render(
                session,
                digest(
                        DigestKind.WEEKLY,
                        4,
                        archived("ada@example.org", paper("p1", "Reward models"), "s1", "reward", "Reward"),
                        archived("ada@example.org", upvoted, "s2", "protein", "Protein")));

        // Then every text of the HTML part's blocks, and every link, is in the text part
        String text = text(message);
        Document html = html(message);
        for (Element block : html.select(
                ".headline, .note, .group, .paper .title, .authors, .snippet, .why .match, " + ".more, .footer")) {
            String said = block.text().replace(" Manage your subscriptions \u00b7 Unsubscribe", "");
            assertThat(text).as("the text part says %s", said).contains(said);
        }
        for (Element link : html.select("a[href]")) {
            assertThat(text).as("the text part links %s", link.text()).contains(link.attr("href"));
        }
        assertThat(text).contains("7 upvotes");
    }

    @Test
    void shouldStillSendAnAlertThatNamesNoSubscription() throws Exception {
        Alert bare = alert("ada@example.org", paper("Reward models"));
        bare.setReasons(List.of());

        MimeMessage message = mailer.render(session, instant(bare));

        assertThat(message.getSubject()).isEqualTo("[paper-alerts] New paper for your subscriptions: Reward models");
        assertThat(html(message).select(".paper .title").text()).isEqualTo("Reward models");
    }

    @Test
    void shouldMakeOutsideTextOneLineExactlyAsItsThreeRulesSay() {
        // Given text made of words and of every kind of character the rules touch
        String[] pieces = {
            "Reward",
            "hacking",
            " ",
            "  ",
            "\t",
            "\r\n",
            "\n",
            "\u0085",
            "\u2028",
            "\u2029",
            "\u0000",
            "\u001b",
            "\u007f",
            "\u009f",
            "\u202a",
            "\u202e",
            "\u2066",
            "\u2069",
            "\u00a0",
            "\u3000",
            "é",
            "中文",
            "\u05d0",
            "-",
            "=",
            ".",
            "\ud83d\ude00"
        };
        Random random = new Random(20261204);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(8); n > 0; n--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String value = text.toString();

            // When it is made one line, then the result is what the three replacements and a strip give
            String expected = value.replaceAll("[\\r\\n\\t\\u0085\\u2028\\u2029]+", " ")
                    .replaceAll("[\\p{Cc}\\u202A-\\u202E\\u2066-\\u2069]", "")
                    .replaceAll(" {2,}", " ")
                    .strip();
            assertThat(MailText.oneLine(value))
                    .as("%s", value.chars().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(expected);
        }
    }
}
