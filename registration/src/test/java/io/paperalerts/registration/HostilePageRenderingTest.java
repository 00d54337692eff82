package io.paperalerts.registration;

import static io.paperalerts.testing.TestDigests.hostileAlert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rometools.rome.feed.atom.Entry;
import com.rometools.rome.feed.atom.Feed;
import com.rometools.rome.feed.atom.Link;
import com.rometools.rome.io.WireFeedInput;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.testing.Markup;
import io.paperalerts.testing.TestDigests;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/**
 * Every page template and both feeds, given hostile data (markup, {@code javascript:} links, line
 * breaks, bidi overrides, right-to-left text): it shows as text, hostile links are dropped, the
 * overrides removed, right-to-left scripts kept.
 */
class HostilePageRenderingTest {

    private static final String HOSTILE =
            "\"><script>alert(1)</script><img src=x onerror=alert(2)>\r\nX" + TestDigests.RIGHT_TO_LEFT_OVERRIDE;
    /** What our templates write; anything else in a page came from the data. */
    private static final Set<String> OUR_ELEMENTS = Set.of(
            "#root", "html", "head", "meta", "title", "link", "body", "main", "h1", "p", "a", "b", "code", "ul", "ol",
            "li", "div", "span", "mark", "form", "input", "label", "select", "option", "button", "nav", "h2", "q");

    static Subscription hostileSubscription() {
        return Subscription.newBuilder()
                .setId("s1")
                .setEmail("ada@example.org")
                .setQuery(HOSTILE)
                .setDelivery(DeliveryMode.DAILY)
                .setStatus(SubscriptionStatus.ACTIVE)
                .setCreated(Instant.now())
                .setArchiveToken("tok")
                .build();
    }

    static void assertOnlyOurMarkup(String html) {
        Markup.assertOnly(html, OUR_ELEMENTS, "(/|https://).*");
    }

    @Test
    void shouldShowHostileDataAsTextOnEveryPage() {
        Subscription subscription = hostileSubscription();
        ManagedSubscription managed = new ManagedSubscription(
                subscription.getId(),
                HOSTILE,
                HOSTILE,
                "active",
                "daily",
                "/manage/s1?token=t",
                "/manage/s1/archive-address?token=t",
                "/manage/s1/delete?token=t",
                "https://alerts.example.org/archive/s1/tok",
                "https://alerts.example.org/archive/s1/tok/atom",
                "https://alerts.example.org/archive/s1/tok/json");
        ManagedOpinion opinion = new ManagedOpinion(HOSTILE, HOSTILE, "More", "2026-12-07");
        ArchiveView archive = new ArchiveView(
                "Matches of " + AlertMailer.quoted(HOSTILE),
                "1 match",
                1,
                List.of(AlertMailer.item(hostileAlert())),
                null,
                null,
                "/archive/s1/tok/atom",
                "/archive/s1/tok/json");

        for (String page : List.of(
                Pages.message(HOSTILE, HOSTILE, false),
                Pages.confirm(subscription, HOSTILE),
                Pages.unsubscribe(List.of(subscription), HOSTILE),
                Pages.manage(
                        HOSTILE,
                        List.of(managed),
                        "/manage/revoke-links?token=t",
                        "/manage/forget?token=t",
                        List.of(opinion),
                        "/manage/feedback/undo?token=t"),
                Pages.feedback(HOSTILE, HOSTILE, HOSTILE, true),
                Pages.feedbackSaved(HOSTILE, "/feedback/undo", HOSTILE, "/manage?token=t"),
                Pages.archive(archive))) {
            assertOnlyOurMarkup(page);
        }
        // The query is the input's value, whole, not markup
        Document manage = Jsoup.parse(Pages.manage(
                "ada@example.org",
                List.of(managed),
                "/manage/revoke-links?token=t",
                "/manage/forget?token=t",
                List.of(opinion),
                "/manage/feedback/undo?token=t"));
        assertThat(manage.selectFirst("input[name=query]").attr("value")).isEqualTo(HOSTILE);
        // The paper an opinion is of: its id the undo form's value, whole, and its title text
        assertThat(manage.selectFirst(".opinion input[name=paper]").attr("value"))
                .isEqualTo(HOSTILE);
        assertThat(manage.selectFirst(".opinion q").text()).contains("<script>alert(1)</script>");
        Document ask = Jsoup.parse(Pages.feedback(HOSTILE, "ada@example.org", HOSTILE, false));
        assertThat(ask.selectFirst("input[name=token]").attr("value")).isEqualTo(HOSTILE);
        assertThat(ask.select("button[name=opinion]"))
                .extracting(b -> b.attr("value"))
                .containsExactly("less", "more");
        // The paper on the archive page: its title as text, without the override, the Hebrew kept, no hostile link
        Document page = Jsoup.parse(Pages.archive(archive));
        assertThat(page.selectFirst(".paper .title").text())
                .startsWith("<img src=x onerror=alert(1)>Reward Bcc:")
                .endsWith(TestDigests.HEBREW)
                .doesNotContain(TestDigests.RIGHT_TO_LEFT_OVERRIDE);
        assertThat(page.select(".paper a")).isEmpty();
        assertThat(page.html()).doesNotContain("javascript:", "data:text");
    }

    @Test
    void shouldCarryHostileDataAsTextInBothFeeds() throws Exception {
        Subscription subscription = hostileSubscription();
        String base = "https://alerts.example.org/archive/s1/tok";

        Feed atom = (Feed) new WireFeedInput()
                .build(new StringReader(ArchiveFeeds.atom(subscription, "Matches", base, List.of(hostileAlert()))));
        Entry entry = atom.getEntries().get(0);
        assertThat(entry.getTitle())
                .startsWith("<img src=x onerror=alert(1)>Reward Bcc:")
                .endsWith(TestDigests.HEBREW);
        assertThat(entry.getAlternateLinks()).extracting(Link::getHref).isEmpty();
        assertThat(entry.getOtherLinks()).extracting(Link::getHref).isEmpty();
        assertThat(entry.getSummary().getValue()).doesNotContain(TestDigests.RIGHT_TO_LEFT_ISOLATE, "\u0000");

        JsonNode json =
                new ObjectMapper().readTree(ArchiveFeeds.json(subscription, "Matches", base, List.of(hostileAlert())));
        JsonNode item = json.path("items").get(0);
        assertThat(item.path("title").asText()).isEqualTo(entry.getTitle());
        assertThat(item.has("url")).isFalse();
        assertThat(item.has("attachments")).isFalse();
        assertThat(json.toString()).doesNotContain("javascript:", "data:text");
    }
}
