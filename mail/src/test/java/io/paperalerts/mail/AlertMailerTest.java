package io.paperalerts.mail;

import static io.paperalerts.testing.TestDigests.alert;
import static io.paperalerts.testing.TestDigests.digest;
import static io.paperalerts.testing.TestDigests.instant;
import static io.paperalerts.testing.TestDigests.paper;
import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AlertMailerTest {


    private final AlertMailer mailer = new AlertMailer("paper-alerts <alerts@example.org>");
    private final Session session = Session.getInstance(new Properties());

    @Test
    void shouldRenderTextAndHtmlWithTitleLinkAuthorsAndQuery() throws Exception {
        MimeMessage message = mailer.render(session, instant(alert("ada@example.org", paper("Reward Hacking, Explained"))));

        assertThat(message.getSubject()).isEqualTo("[paper-alerts] Reward Hacking, Explained");
        assertThat(message.getFrom()[0].toString()).isEqualTo("paper-alerts <alerts@example.org>");
        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertThat(parts.getContentType()).startsWith("multipart/alternative");
        String text = (String) parts.getBodyPart(0).getContent();
        String html = (String) parts.getBodyPart(1).getContent();
        assertThat(parts.getBodyPart(0).getContentType()).contains("text/plain").contains("UTF-8");
        assertThat(parts.getBodyPart(1).getContentType()).contains("text/html").contains("UTF-8");
        assertThat(text).contains("Reward Hacking, Explained", "Ada Lovelace", "cs.LG · 2025-01-02",
                "https://arxiv.org/abs/2501.01234", "An abstract.", "reward hacking");
        assertThat(html).contains("<a href=\"https://arxiv.org/abs/2501.01234\">Reward Hacking, Explained</a>",
                "https://arxiv.org/pdf/2501.01234", "<code>reward hacking</code> matched <b>Reward Hacking</b>",
                "<small>… on <mark>Reward Hacking</mark>, Explained</small>");
        assertThat(text).contains("  - reward hacking  (matched: Reward Hacking)\n    … on Reward Hacking, Explained\n");
    }

    @Test
    void shouldListEveryPaperOfAnInstantWindowInOneEmail() throws Exception {
        Digest two = instant(alert("ada@example.org", paper("p1", "Reward models")),
                alert("ada@example.org", paper("p2", "Reward hacking")));

        MimeMessage message = mailer.render(session, two);

        assertThat(message.getSubject()).isEqualTo("[paper-alerts] 2 new papers: Reward models and more");
        String text = (String) ((MimeMultipart) message.getContent()).getBodyPart(0).getContent();
        String html = (String) ((MimeMultipart) message.getContent()).getBodyPart(1).getContent();
        assertThat(text).contains("2 new papers match your subscriptions.", "Reward models", "Reward hacking");
        assertThat(html).contains(">Reward models</a></h2>", ">Reward hacking</a></h2>");
        assertThat(message.getHeader("X-Paper-Ids")).containsExactly("p1 p2");
    }

    @Test
    void shouldGroupADailyDigestBySubscriptionAndCountWhatDidNotFit() throws Exception {
        Digest daily = digest(DigestKind.DAILY, 3,
                alert("ada@example.org", paper("p1", "Reward models"), "s1", "reward", "Reward"),
                alert("ada@example.org", paper("p2", "Protein folding"), "s2", "protein", "Protein"),
                alert("ada@example.org", paper("p3", "Reward hacking"), "s1", "reward", "Reward"));

        MimeMessage message = mailer.render(session, daily);

        assertThat(message.getSubject()).isEqualTo("[paper-alerts] Daily digest, 2026-11-28: 6 papers");
        String text = (String) ((MimeMultipart) message.getContent()).getBodyPart(0).getContent();
        assertThat(text).containsSubsequence("== reward ==", "Reward models", "Reward hacking", "== protein ==",
                "Protein folding", "And 3 more matching papers, not listed");
        String html = (String) ((MimeMultipart) message.getContent()).getBodyPart(1).getContent();
        assertThat(html).contains("<h3>Matches for <code>reward</code></h3>");
    }

    @Test
    void shouldNameTheBackfillPeriodInTheSubject() throws Exception {
        Digest backfill = digest(DigestKind.BACKFILL, 0, alert("ada@example.org", paper("p1", "Reward models")));
        backfill.setPeriodStart(Instant.parse("2026-11-21T08:00:00Z"));

        assertThat(mailer.render(session, backfill).getSubject())
                .isEqualTo("[paper-alerts] Papers from the last 7 days: 1 paper");
    }

    @Test
    void shouldOfferOneClickUnsubscribeWithASignedTokenAndAFooter() throws Exception {
        LinkTokens tokens = new LinkTokens("a test secret of 32 bytes, ok!!!".getBytes(StandardCharsets.UTF_8),
                java.time.Duration.ofDays(30), java.time.Clock.systemUTC());
        AlertMailer withLinks = new AlertMailer("alerts@example.org",
                new AlertMailer.Links("https://alerts.example.org", "unsubscribe@example.org", tokens));

        MimeMessage message = withLinks.render(session, instant(alert("ada@example.org", paper("T"))));

        // Folded onto lines SMTP allows; read unfolded
        String header = jakarta.mail.internet.MimeUtility.unfold(message.getHeader("List-Unsubscribe")[0]);
        assertThat(header).matches("<https://alerts\\.example\\.org/unsubscribe\\?token=[\\w.-]+>, "
                + "<mailto:unsubscribe@example\\.org\\?subject=unsubscribe>");
        assertThat(message.getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
        String token = header.substring(header.indexOf("token=") + 6, header.indexOf('>'));
        assertThat(tokens.verify(token).subscriptionIds()).containsExactly("s1");
        String text = (String) ((MimeMultipart) message.getContent()).getBodyPart(0).getContent();
        String html = (String) ((MimeMultipart) message.getContent()).getBodyPart(1).getContent();
        assertThat(text).contains("Unsubscribe: https://alerts.example.org/unsubscribe?token=" + token,
                "Manage your subscriptions: https://alerts.example.org/manage?token=");
        assertThat(html).contains(">Unsubscribe</a>", ">Manage your subscriptions</a>");
    }

    @Test
    void shouldHighlightMatchedWordsButNeverInsideMarkup() {
        String escaped = Html.escape("Reward & Rewarding: a Reward Hacking study");

        String marked = AlertMailer.highlight(escaped, List.of("Reward Hacking", "Reward", "amp"));

        assertThat(marked).isEqualTo("<mark>Reward</mark> &amp; Rewarding: a <mark>Reward Hacking</mark> study");
    }

    @Test
    void shouldEscapeHostilePaperDataAndKeepItOutOfTheHeaders() throws Exception {
        // Given a title trying script injection and header injection
        String hostile = "<script>alert(1)</script> & \"Rewards\"\r\nBcc: x@evil.test";

        // When it is rendered and written out as it goes on the wire
        MimeMessage message = mailer.render(session, instant(alert("ada@example.org", paper(hostile))));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        message.writeTo(wire);
        MimeMessage parsed = new MimeMessage(session, new java.io.ByteArrayInputStream(wire.toByteArray()));

        // Then the subject is one line, no header was added, the only recipient is Ada
        assertThat(parsed.getSubject())
                .isEqualTo("[paper-alerts] <script>alert(1)</script> & \"Rewards\" Bcc: x@evil.test");
        assertThat(parsed.getHeader("Bcc")).isNull();
        assertThat(parsed.getAllRecipients()).extracting(Object::toString).containsExactly("ada@example.org");
        assertThat(parsed.getRecipients(Message.RecipientType.TO)).hasSize(1);
        // And the HTML part carries the title escaped, never as markup
        String html = (String) ((MimeMultipart) parsed.getContent()).getBodyPart(1).getContent();
        assertThat(html).doesNotContain("<script>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Rewards&quot; Bcc: x@evil.test");
    }

    @Test
    void shouldEncodeANonAsciiSubjectPerRfc2047() throws Exception {
        MimeMessage message = mailer.render(session, instant(alert("ada@example.org", paper("Über Belohnungen – 強化学習"))));

        assertThat(message.getHeader("Subject")[0]).startsWith("=?UTF-8?");
        assertThat(message.getSubject()).isEqualTo("[paper-alerts] Über Belohnungen – 強化学習");
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
    void shouldListTheFirstFiveAuthorsThenEtAl() {
        List<String> authors = IntStream.rangeClosed(1, 7).mapToObj(i -> "Author " + i).toList();

        assertThat(AlertMailer.authors(authors))
                .isEqualTo("Author 1, Author 2, Author 3, Author 4, Author 5 et al.");
        assertThat(AlertMailer.authors(authors.subList(0, 2))).isEqualTo("Author 1, Author 2");
    }

    @Test
    void shouldCutALongAbstractAtAWordBoundary() {
        String longAbstract = String.join(" ", Collections.nCopies(200, "word"));

        String snippet = AlertMailer.snippet(longAbstract);

        assertThat(snippet).endsWith("word …").hasSizeLessThanOrEqualTo(AlertMailer.SNIPPET_CHARS + 2);
        assertThat(snippet.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(AlertMailer.SNIPPET_CHARS / 2);
    }

    @Test
    void shouldKeepEveryHeaderLineShortWithFortySubscriptionsAndLinksOnlyToHttpUrls() throws Exception {
        // Given a digest whose papers matched forty subscriptions, one paper with a javascript: link
        List<Alert> alerts = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Paper paper = paper("2501.0" + (1000 + i), "Paper " + i);
            if (i == 0) {
                paper.setUrl("javascript:alert(document.cookie)");
                paper.setPdfUrl("data:text/html,<script>alert(1)</script>");
            }
            alerts.add(alert("many@example.org", paper, "s-" + "0123456789abcdef".substring(0, 14) + (10 + i),
                    "paper", "Paper"));
        }
        MimeMessage message = new AlertMailer("paper-alerts <alerts@example.org>")
                .render(jakarta.mail.Session.getInstance(new java.util.Properties()), instant(alerts.toArray(new Alert[0])));

        // Then no line of the message is longer than SMTP allows
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        message.writeTo(raw);
        assertThat(raw.toString(java.nio.charset.StandardCharsets.UTF_8).split("\r\n"))
                .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
        // And the hostile links are nowhere, in either part
        assertThat(raw.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("javascript:", "data:text");
    }
}
