package io.paperalerts.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.ingest.file.JsonlPaperReader;
import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.topics.Topics;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShownPapersTest {

    private static final List<String> AUTHORS =
            List.of("Ada Lovelace", " ", "Alan Turing", "Grace Hopper", "Yann LeCun", "Fei-Fei Li", "Geoffrey Hinton");
    private static final List<String> CATEGORIES = List.of("cs.LG", "", "cs.AI", "cs.CL", "stat.ML");

    private static List<Paper> papers;
    private final AlertMailer mailer = new AlertMailer(
            "paper-alerts <alerts@example.org>",
            new MailLinks(
                    "https://alerts.example.org",
                    "",
                    new LinkTokens(
                            "a test secret of 32 bytes, ok!!!".getBytes(StandardCharsets.UTF_8),
                            Duration.ofDays(30),
                            // Fixed: the links' expiry would differ between two renders a second apart.
                            Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC))));
    private final Session session = Session.getInstance(new Properties());

    @BeforeAll
    static void readPapers() throws Exception {
        try (InputStream in = ShownPapersTest.class.getResourceAsStream("/fixtures/hf-papers-page.jsonl")) {
            papers = JsonlPaperReader.readAll(in, "hf-page").stream()
                    .map(e -> ((PaperEntry.Parsed) e).paper())
                    .toList();
        }
        assertThat(papers).hasSize(67);
    }

    @Test
    void shouldRenderTheSameEmailFromTheShownPapersAsFromTheWholeOnes() throws Exception {
        // Given every real paper, matched in each way an email treats differently
        for (Paper paper : papers) {
            Digest whole = digest(paper, alertsOf(paper));

            // When the digest is cut to what its email shows
            Digest shown = ShownPapers.of(whole);

            // Then the email is the same, text and HTML, and the abstract no longer travels
            MimeMessage fromWhole = mailer.render(session, whole);
            MimeMessage fromShown = mailer.render(session, shown);
            assertThat(part(fromShown, 0)).as(paper.getId()).isEqualTo(part(fromWhole, 0));
            assertThat(part(fromShown, 1)).as(paper.getId()).isEqualTo(part(fromWhole, 1));
            assertThat(part(fromWhole, 1)).contains(paper.getTitle().substring(0, 10));
            assertThat(shown.getAlerts()).allSatisfy(a -> {
                assertThat(a.getPaper().getAbstractText()).isEmpty();
                assertThat(a.getPaper().getAuthors()).hasSizeLessThanOrEqualTo(MailText.MAX_AUTHORS + 2);
            });
        }
    }

    @Test
    void shouldWriteLessThanHalfTheBytesOfTheWholeDigest() {
        // Given one digest of all the real papers, each matched in the abstract
        List<Alert> alerts = new ArrayList<>();
        for (Paper paper : papers) {
            alerts.add(alertsOf(paper).get(1));
        }
        Digest whole = digest(papers.get(0), alerts);

        // When it is cut
        Digest shown = ShownPapers.of(whole);

        // Then what is written to digests is far less
        var serializer = Topics.DIGESTS.valueSerde().serializer();
        int wholeBytes = serializer.serialize(Topics.DIGESTS.name(), whole).length;
        int shownBytes = serializer.serialize(Topics.DIGESTS.name(), shown).length;
        assertThat(shownBytes).isLessThan(wholeBytes / 2);
    }

    @Test
    void shouldLeaveAnErasureRecordAndAClaimCheckAsTheyAre() {
        Alert stub = alertsOf(papers.get(0)).get(0);
        stub.setPaperByReference(true);

        assertThat(ShownPapers.of((Digest) null)).isNull();
        assertThat(ShownPapers.of(stub)).isSameAs(stub);
    }

    /** The text (0) or HTML (1) part of an email, as written. */
    private static String part(MimeMessage message, int index) throws Exception {
        return (String)
                ((MimeMultipart) message.getContent()).getBodyPart(index).getContent();
    }

    /**
     * The ways an email picks a paper's snippet: the first match in the title (the abstract's
     * snippet shows, from a matched word deep in it), no snippet (a category match: the abstract's
     * beginning), and a match in the abstract (its own snippet shows).
     */
    private static List<Alert> alertsOf(Paper paper) {
        Paper full = Paper.newBuilder(paper)
                .setAuthors(AUTHORS)
                .setCategories(CATEGORIES)
                .setUpvotes(7)
                .build();
        List<String> words = Arrays.stream(full.getAbstractText().split("[^\\p{L}]+"))
                .filter(w -> w.length() > 4)
                .toList();
        String late = words.get(words.size() - 2);
        String titleWord = Arrays.stream(full.getTitle().split("[^\\p{L}]+"))
                .filter(w -> w.length() > 3)
                .findFirst()
                .orElse(full.getTitle());
        return List.of(
                alert(full, "s1", List.of(titleWord, late), full.getTitle()),
                alert(full, "s2", List.of(words.get(3)), "… " + words.get(3) + " and what follows it …"),
                alert(full, "s3", List.of("cs.LG"), ""));
    }

    private static Alert alert(Paper paper, String subscription, List<String> matched, String snippet) {
        return Alert.newBuilder()
                .setRecipient("reader@example.org")
                .setSubscriptionIds(List.of(subscription))
                .setPaper(paper)
                .setReasons(List.of(MatchReason.newBuilder()
                        .setSubscriptionId(subscription)
                        .setQuery(String.join(" OR ", matched))
                        .setMatchedTerms(matched)
                        .setSnippet(snippet)
                        .setArchiveToken("tok-" + subscription)
                        .build()))
                .setMatchedAt(Instant.parse("2026-11-28T10:00:00Z"))
                .setKind(AlertKind.LIVE)
                .build();
    }

    private static Digest digest(Paper first, List<Alert> alerts) {
        return Digest.newBuilder()
                .setId("d-" + first.getId())
                .setRecipient("reader@example.org")
                .setKind(DigestKind.DAILY)
                .setPeriodStart(Instant.parse("2026-11-27T08:00:00Z"))
                .setPeriodEnd(Instant.parse("2026-11-28T08:00:00Z"))
                .setTimezone("UTC")
                .setAlerts(alerts)
                .build();
    }
}
