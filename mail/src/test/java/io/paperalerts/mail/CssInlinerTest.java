package io.paperalerts.mail;

import static io.paperalerts.testing.TestDigests.digest;
import static io.paperalerts.testing.TestDigests.hostileAlert;
import static io.paperalerts.testing.TestDigests.instant;
import static io.paperalerts.testing.TestDigests.paper;
import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.testing.TestDigests;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CssInlinerTest {

    private final AlertMailer mailer = new AlertMailer("alerts@example.org");

    /** Every element in document order: its name, attributes (style included) and own text. */
    private static List<String> elements(String html) {
        List<String> out = new ArrayList<>();
        for (Element element : Jsoup.parse(html).getAllElements()) {
            out.add(element.tagName() + " " + element.attributes().html() + " | " + element.ownText()
                    + (element.tagName().equals("style") ? element.data() : ""));
        }
        return out;
    }

    private static Alert other(String id, String subscription) {
        Alert alert = TestDigests.alert(
                "ada@example.org", paper(id, "Paper " + id), subscription, "q " + subscription, "Paper");
        alert.getReasons().forEach(r -> r.setArchiveToken("tok"));
        return alert;
    }

    @Test
    void shouldStyleEveryElementOfEveryKindOfDigestAsTheParserDoes() {
        // Given digests of every shape the template has: one paper, groups, papers left out, hostile data
        Alert plain = TestDigests.alert("ada@example.org", paper("T"));
        Alert bare = TestDigests.alert("ada@example.org", paper("p0", "No links"));
        bare.getPaper().setUrl(null);
        bare.getPaper().setPdfUrl(null);
        bare.getPaper().setAuthors(List.of());
        List<Digest> digests = List.of(
                instant(plain),
                instant(bare),
                instant(hostileAlert()),
                digest(DigestKind.DAILY, 3, other("p1", "s1"), other("p2", "s2"), other("p3", "s1")),
                digest(
                        DigestKind.WEEKLY,
                        19,
                        IntStream.range(0, 50)
                                .mapToObj(i -> other("p" + i, "s" + i % 3))
                                .toArray(Alert[]::new)));
        CssInliner css = MailTemplates.css();
        for (Digest digest : digests) {
            String raw = MailTemplates.htmlWithoutCss("digest", mailer.view(digest));

            // When its stylesheet is inlined by the scan and by parsing the whole document
            String scanned = css.inlineByChain(raw);
            String parsed = css.inlineWithJsoup(raw);

            // Then the scan handled it (not handed it to the parser) and every element got the same style
            assertThat(scanned).as(digest.getId()).isNotNull();
            assertThat(elements(scanned)).as(digest.getId()).isEqualTo(elements(parsed));
        }
        // And a descendant rule reaches the title's link (the CSS parser writes colours as rgb())
        String plainHtml = css.inlineByChain(MailTemplates.htmlWithoutCss("digest", mailer.view(digests.get(0))));
        assertThat(Jsoup.parse(plainHtml).selectFirst(".paper .title a").attr("style"))
                .contains("text-decoration:none", "color:rgb(26, 13, 171)");
    }

    @Test
    void shouldKeepAnElementsOwnStyleLastByHandingTheDocumentToTheParser() {
        // Given a document whose element has a style of its own
        CssInliner css = CssInliner.of("p { color: red; } .x p { margin: 0; }");
        String html =
                "<html><head></head><body><div class=\"x\"><p style=\"color:blue\">a</p><p>b</p></div></body></html>";

        // When it is inlined
        String inlined = css.inline(html);

        // Then the scan declined it, and the own declaration comes after the stylesheet's
        assertThat(css.inlineByChain(html)).isNull();
        assertThat(Jsoup.parse(inlined).select("p"))
                .extracting(e -> e.attr("style"))
                .containsExactly("color:red;margin:0;color:blue", "color:red;margin:0");
    }

    @Test
    void shouldInlineSelectorsThatLookAtSiblingsByParsing() {
        // Given a rule that depends on an element's siblings, which the chain of its ancestors does not show
        CssInliner css = CssInliner.of("li:first-child { font-weight: bold; } li + li { color: gray; }");
        String html = "<html><head></head><body><ul><li>a</li><li>b</li></ul></body></html>";

        // When it is inlined
        String inlined = css.inline(html);

        // Then each item is styled by its place among its siblings
        assertThat(Jsoup.parse(inlined).select("li"))
                .extracting(e -> e.attr("style"))
                .containsExactly("font-weight:bold", "color:gray");
    }

    @Test
    void shouldStyleByTheChainOfAncestorsAndKeepMediaRulesInTheHead() {
        // Given descendant and child selectors, and a rule for dark mode
        CssInliner css = CssInliner.of(".a span { color: red; } .b > span { font-size: 12px; } "
                + "@media (prefers-color-scheme: dark) { span { color: white !important; } }");
        String html = "<html><head><title>t</title></head><body><div class=\"a\"><span>1</span></div>"
                + "<div class=\"b\"><span>2</span><p><span>3</span></p></div><br><span title=\"a > b\">4</span></body></html>";

        // When the scan inlines it
        String scanned = css.inlineByChain(html);

        // Then each span has what its ancestors give it, and the media rule is kept for clients that read it
        assertThat(scanned).isNotNull();
        var document = Jsoup.parse(scanned);
        assertThat(document.select("span"))
                .extracting(e -> e.attr("style"))
                .containsExactly("color:red", "font-size:12px", "", "");
        assertThat(document.head().select("style").html()).contains("prefers-color-scheme: dark");
        assertThat(elements(scanned)).isEqualTo(elements(css.inlineWithJsoup(html)));
    }
}
