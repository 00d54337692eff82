package io.paperalerts.mail;

import static io.paperalerts.testing.TestDigests.digest;
import static io.paperalerts.testing.TestDigests.hostileAlert;
import static io.paperalerts.testing.TestDigests.instant;
import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.testing.Markup;
import io.paperalerts.testing.TestDigests;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * Paper data, queries and addresses come from outside: every email template must print them as
 * text. Markup is escaped, {@code javascript:} and {@code data:} links are dropped, line breaks do
 * not reach a header, and the bidirectional overrides that would reverse the text after a title
 * are removed, while right-to-left scripts themselves are kept.
 */
class HostileMailRenderingTest {

    static final String RIGHT_TO_LEFT_OVERRIDE = TestDigests.RIGHT_TO_LEFT_OVERRIDE;
    static final String RIGHT_TO_LEFT_ISOLATE = TestDigests.RIGHT_TO_LEFT_ISOLATE;
    static final String HEBREW = TestDigests.HEBREW;
    /** What our templates write; anything else in a part came from the data. */
    static final Set<String> OUR_ELEMENTS =
            Set.of("#root", "html", "head", "meta", "title", "style", "body", "div", "p", "a", "span", "mark", "h2");

    private final Session session = Session.getInstance(new Properties());

    /** The checks every HTML part must pass, whatever it shows. */
    static void assertOnlyOurMarkup(String html) {
        Document document = Markup.assertOnly(html, OUR_ELEMENTS, "https://.*");
        assertThat(document.select("a"))
                .allSatisfy(a -> assertThat(a.attr("href")).startsWith("https://"));
        assertThat(document.text()).doesNotContain(RIGHT_TO_LEFT_OVERRIDE, RIGHT_TO_LEFT_ISOLATE, "\u0000");
    }

    static MimeMessage onTheWire(MimeMessage message, Session session) throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        message.writeTo(wire);
        return new MimeMessage(session, new ByteArrayInputStream(wire.toByteArray()));
    }

    @Test
    void shouldPrintHostilePaperDataAsTextInEveryPartOfADigest() throws Exception {
        // Given a digest of a paper whose every field is hostile, and two more left out
        AlertMailer mailer = new AlertMailer(
                "alerts@example.org",
                new MailLinks(
                        "https://alerts.example.org",
                        "",
                        new LinkTokens(
                                "a test secret of 32 bytes, ok!!!".getBytes(StandardCharsets.UTF_8),
                                Duration.ofDays(3),
                                Clock.systemUTC())));

        for (var digest : List.of(instant(hostileAlert()), digest(DigestKind.WEEKLY, 2, hostileAlert()))) {
            // When it is rendered and sent
            MimeMessage parsed = onTheWire(mailer.render(session, digest), session);

            // Then the headers are ours only, on one line each
            assertThat(parsed.getHeader("Bcc")).isNull();
            assertThat(parsed.getHeader("X-Evil")).isNull();
            assertThat(parsed.getAllRecipients()).extracting(Object::toString).containsExactly("ada@example.org");
            assertThat(parsed.getRecipients(Message.RecipientType.TO)).hasSize(1);
            assertThat(parsed.getSubject()).doesNotContain("\r", "\n", RIGHT_TO_LEFT_OVERRIDE);
            MimeMultipart parts = (MimeMultipart) parsed.getContent();
            String text = (String) parts.getBodyPart(0).getContent();
            String html = (String) parts.getBodyPart(1).getContent();
            // And the HTML part has our markup only; the data shows as the text it is
            assertOnlyOurMarkup(html);
            Document document = Jsoup.parse(html);
            assertThat(document.selectFirst(".title").text())
                    .startsWith("<img src=x onerror=alert(1)>Reward Bcc:")
                    .endsWith(HEBREW);
            assertThat(document.selectFirst(".authors").text())
                    .isEqualTo("<b>Mallory</b>, \"Eve\" <eve@evil.test> X-Evil: 1");
            assertThat(document.select(".snippet mark"))
                    .extracting(Element::text)
                    .containsExactly("reward hacking");
            // And no hostile link reaches either part
            assertThat(html + text).doesNotContain("javascript:", "data:text", "><script>alert(1)</script>\"");
            assertThat(text)
                    .doesNotContain(RIGHT_TO_LEFT_OVERRIDE, RIGHT_TO_LEFT_ISOLATE, "\u0000")
                    .contains(HEBREW);
            // And the one-line fields stay one line in the text part
            assertThat(text.lines()).noneMatch(line -> line.startsWith("Bcc:") || line.startsWith("X-Evil:"));
        }
    }

    @Test
    void shouldPrintAHostileQueryAsTextInTheAccountEmails() {
        String query = "</a><a href=\"javascript:alert(1)\">click</a>\r\nBcc: x@evil.test" + RIGHT_TO_LEFT_OVERRIDE;
        Subscription subscription = Subscription.newBuilder()
                .setId("s1")
                .setEmail("ada@example.org")
                .setQuery(query)
                .setCreated(Instant.EPOCH)
                .build();

        for (AccountEmail email : List.of(
                AccountEmail.confirmation(subscription, "https://alerts.example.org/confirm?token=t"),
                AccountEmail.manageLink("ada@example.org", "https://alerts.example.org/manage?token=t"))) {
            assertOnlyOurMarkup(email.html());
            assertThat(Jsoup.parse(email.html()).select("a")).hasSize(1);
            assertThat(email.text().lines()).noneMatch(line -> line.startsWith("Bcc:"));
            assertThat(email.text()).doesNotContain(RIGHT_TO_LEFT_OVERRIDE);
        }
        assertThat(Jsoup.parse(AccountEmail.confirmation(subscription, "https://a.example/c")
                                .html())
                        .body()
                        .text())
                .contains("\u201c</a><a href=\"javascript:alert(1)\">click</a> Bcc:");
    }
}
