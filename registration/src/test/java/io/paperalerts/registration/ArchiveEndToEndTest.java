package io.paperalerts.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rometools.rome.feed.atom.Category;
import com.rometools.rome.feed.atom.Entry;
import com.rometools.rome.feed.atom.Feed;
import com.rometools.rome.feed.atom.Link;
import com.rometools.rome.io.WireFeedInput;
import io.paperalerts.ingest.format.HuggingFaceDailyPapersParser;
import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.mail.MailText;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.testing.Markers;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.CompactedTopics;
import io.paperalerts.topics.Topics;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.InputStream;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Every match one click away, through the real broker, streams service, notifier and SMTP server:
 * a subscription matching more of the day's papers (the recorded Hugging Face daily papers: real
 * titles, authors, links and upvotes) than {@code digest.max.papers} gets an
 * email whose note links to its archive page; the page and both feeds list every match (the
 * matcher over the published papers is the oracle); conditional GETs answer 304; a feed address
 * replaced on the manage page answers 404 and the new one works; in a browser the email fits a
 * 375 px phone, is readable in dark mode, and its "see all" link leads to every match.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchiveEndToEndTest {

    private static final int MAX_PAPERS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    static Path stateDir;

    @TempDir
    static Path browserDir;

    private static RegistrationHarness system;
    /** Per subscription id, the titles of the sample papers it matches, as pages show them. */
    private static final Map<String, Set<String>> expected = new LinkedHashMap<>();
    /**
     * For "reasoning", per title, the snippet of each paper whose match the matcher found in the
     * abstract: the page shows it as it is, cut again from the stored paper.
     */
    private static final Map<String, String> abstractSnippets = new LinkedHashMap<>();

    static Subscription subscription(String id, String email, String query) {
        return Subscription.newBuilder()
                .setId(id)
                .setEmail(email)
                .setQuery(query)
                .setDelivery(DeliveryMode.INSTANT)
                .setStatus(SubscriptionStatus.ACTIVE)
                .setCreated(Instant.now())
                .setArchiveToken(SubscriptionRules.newArchiveToken())
                .build();
    }

    @BeforeAll
    static void start() throws Exception {
        // An instant window long enough for all the day's papers: one digest, which cannot list them all
        system = new RegistrationHarness(
                kafka,
                smtp,
                stateDir,
                Map.of(),
                Map.of(StreamsServiceConfig.MAX_PAPERS, MAX_PAPERS, StreamsServiceConfig.INSTANT_WINDOW_MS, 5_000L));
        // Given two active subscriptions, each matching more sample papers than an email lists
        List<Subscription> subscriptions = List.of(
                subscription("arch-reasoning", "reader@example.org", "reasoning"),
                subscription("arch-benchmark", "feeds@example.org", "agent"));
        SubscriptionMatcher oracle = new SubscriptionMatcher();
        for (Subscription s : subscriptions) {
            kafka.produce(Topics.SUBSCRIPTIONS, s.getId(), s);
            oracle.update(s.getId(), s);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> subscriptions.stream()
                        .allMatch(s -> system.streams.subscription(s.getId()).isPresent()));

        // When the day's papers are published
        List<Paper> papers;
        try (InputStream in = ArchiveEndToEndTest.class.getResourceAsStream("/sources/hf-daily-papers.json")) {
            papers = HuggingFaceDailyPapersParser.parse(in.readAllBytes(), "hf-daily").stream()
                    .map(entry -> ((PaperEntry.Parsed) entry).paper())
                    .toList();
        }
        assertThat(papers)
                .hasSize(30)
                .allSatisfy(p -> assertThat(p.getAuthors()).isNotEmpty());
        papers.forEach(system::publish);
        for (Subscription s : subscriptions) {
            expected.put(
                    s.getId(),
                    papers.stream()
                            .filter(p -> oracle.match(p).stream()
                                    .anyMatch(m -> m.subscription().getId().equals(s.getId())))
                            .map(p -> MailText.oneLine(p.getTitle()))
                            .collect(Collectors.toSet()));
            assertThat(expected.get(s.getId())).as(s.getQuery()).hasSizeGreaterThan(MAX_PAPERS);
        }
        for (Paper p : papers) {
            oracle.match(p).stream()
                    .filter(m -> m.subscription().getId().equals("arch-reasoning"))
                    .map(m -> m.explanation())
                    .filter(why -> why.cut() != null && !why.cut().inTitle())
                    .forEach(why ->
                            abstractSnippets.put(MailText.oneLine(p.getTitle()), MailText.oneLine(why.snippet())));
        }
        assertThat(abstractSnippets).hasSizeGreaterThan(3);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    static String html(MimeMessage message) throws Exception {
        return (String) ((MimeMultipart) message.getContent()).getBodyPart(1).getContent();
    }

    /** The first email to this address that left papers out, once it has come. */
    static MimeMessage cappedEmailTo(String address) {
        return await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            for (MimeMessage message : smtp.messagesTo(address)) {
                                if (!Jsoup.parse(html(message))
                                        .select("a.see-all")
                                        .isEmpty()) {
                                    return message;
                                }
                            }
                            return null;
                        },
                        m -> m != null);
    }

    static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<String> titlesOnPage(String body) {
        return Jsoup.parse(body).select(".paper .title").stream()
                .map(Element::text)
                .collect(Collectors.toSet());
    }

    static Feed atom(String body) throws Exception {
        return (Feed) new WireFeedInput().build(new StringReader(body));
    }

    static HttpResponse<String> getWith(String url, String ifNoneMatch) throws Exception {
        return system.send("GET", url, null, null, Map.of("If-None-Match", ifNoneMatch));
    }

    @Test
    void shouldLinkTheArchiveFromACappedEmailAndListEveryMatchOnThePageAndInBothFeeds() throws Exception {
        // Then an email that left papers out links the subscription's archive page in its note
        Subscription reasoning = system.streams.subscription("arch-reasoning").orElseThrow();
        String archive = system.url("/archive/arch-reasoning/" + reasoning.getArchiveToken());
        Document email = Jsoup.parse(html(cappedEmailTo("reader@example.org")));
        assertThat(email.select(".note").first().text()).startsWith("The first " + MAX_PAPERS + " are listed below.");
        assertThat(email.select("a.see-all")).extracting(a -> a.attr("href")).containsOnly(archive);
        Set<String> titles = expected.get("arch-reasoning");

        // And the page lists every match, once the last alert is archived
        await().atMost(Duration.ofSeconds(60))
                .until(() -> titlesOnPage(system.get(archive).body()).size() == titles.size());
        HttpResponse<String> page = system.get(archive);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(titlesOnPage(page.body())).isEqualTo(titles);
        // each paper matched in its abstract with the words around the match, cut from the stored paper
        int snippetsChecked = 0;
        for (Element paper : Jsoup.parse(page.body()).select(".paper")) {
            String snippet = abstractSnippets.get(paper.selectFirst(".title").text());
            if (snippet != null) {
                assertThat(paper.selectFirst(".snippet").text()).isEqualTo(snippet);
                snippetsChecked++;
            }
        }
        assertThat(snippetsChecked).isEqualTo(abstractSnippets.size());
        assertThat(Jsoup.parse(page.body()).selectFirst("#summary").text()).startsWith(titles.size() + " matches");

        // And the Atom feed has the same entries, each with link, authors, date, snippet and matched words
        HttpResponse<String> atomAnswer = system.get(archive + "/atom");
        assertThat(atomAnswer.statusCode()).isEqualTo(200);
        assertThat(atomAnswer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/atom+xml"));
        Feed feed = atom(atomAnswer.body());
        assertThat(feed.getEntries()).extracting(Entry::getTitle).containsExactlyInAnyOrderElementsOf(titles);
        assertThat(feed.getAlternateLinks()).extracting(Link::getHref).containsExactly(archive);
        for (Entry entry : feed.getEntries()) {
            assertThat(entry.getId()).startsWith("urn:paper-alerts:match:arch-reasoning:");
            assertThat(entry.getAlternateLinks())
                    .extracting(Link::getHref)
                    .allSatisfy(href -> assertThat(href).startsWith("https://"));
            assertThat(entry.getAuthors()).isNotEmpty();
            assertThat(entry.getPublished()).isNotNull();
            assertThat(entry.getSummary().getValue()).contains("Matched \u201creasoning\u201d");
            assertThat(entry.getCategories()).extracting(Category::getScheme).containsOnly(ArchiveFeeds.MATCHED_SCHEME);
            assertThat(entry.getCategories())
                    .extracting(Category::getTerm)
                    .anySatisfy(term -> assertThat(term).containsIgnoringCase("reason"));
        }

        // And the JSON Feed has the same entries, with every field JSON Feed 1.1 requires
        HttpResponse<String> jsonAnswer = system.get(archive + "/json");
        assertThat(jsonAnswer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/feed+json"));
        JsonNode json = JSON.readTree(jsonAnswer.body());
        assertThat(json.path("version").asText()).isEqualTo("https://jsonfeed.org/version/1.1");
        assertThat(json.path("title").asText()).isEqualTo("Matches of \u201creasoning\u201d");
        List<JsonNode> items =
                StreamSupport.stream(json.path("items").spliterator(), false).toList();
        assertThat(items).allSatisfy(item -> {
            assertThat(item.path("id").asText()).isNotEmpty();
            assertThat(item.path("content_text").asText()).isNotEmpty();
            assertThat(item.path("date_published").asText()).isNotEmpty();
            assertThat(item.path("authors")).isNotEmpty();
            assertThat(item.path("tags")).isNotEmpty();
        });
        assertThat(items).extracting(item -> item.path("title").asText()).containsExactlyInAnyOrderElementsOf(titles);
        assertThat(items)
                .extracting(item -> item.path("id").asText())
                .containsExactlyInAnyOrderElementsOf(
                        feed.getEntries().stream().map(Entry::getId).toList());

        // And each answers 304 to its own ETag
        for (HttpResponse<String> answer : List.of(page, atomAnswer, jsonAnswer)) {
            String etag = answer.headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> again = getWith(answer.uri().toString(), etag);
            assertThat(again.statusCode()).as(answer.uri().toString()).isEqualTo(304);
            assertThat(again.body()).isEmpty();
            assertThat(getWith(answer.uri().toString(), "\"another\"").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void shouldAnswer410ToTheArchiveAndFeedsOfACancelledSubscription() throws Exception {
        // Given a subscription whose archive and feeds are served
        Subscription active = subscription("arch-cancelled", "cancelled@example.org", "grpo");
        kafka.produce(Topics.SUBSCRIPTIONS, active.getId(), active);
        String archive = system.url("/archive/arch-cancelled/" + active.getArchiveToken());
        await().atMost(Duration.ofSeconds(30)).until(() -> system.get(archive).statusCode() == 200);

        // When it is cancelled
        kafka.produce(
                Topics.SUBSCRIPTIONS,
                active.getId(),
                Subscription.newBuilder(active)
                        .setStatus(SubscriptionStatus.CANCELLED)
                        .build());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> system.streams
                        .subscription("arch-cancelled")
                        .map(s -> s.getStatus() == SubscriptionStatus.CANCELLED)
                        .orElse(false));

        // Then the page and both feeds answer 410 Gone, so feed readers stop asking
        for (String url : List.of(archive, archive + "/atom", archive + "/json")) {
            HttpResponse<String> gone = system.get(url);
            assertThat(gone.statusCode()).as(url).isEqualTo(410);
            assertThat(gone.body()).as(url).containsIgnoringCase("cancelled").doesNotContain("grpo");
        }
    }

    @Test
    void shouldAnswer404ToAReplacedFeedAddressAndServeTheNewOne() throws Exception {
        // Given the feed of a subscription with all its matches
        Set<String> titles = expected.get("arch-benchmark");
        String old = system.url("/archive/arch-benchmark/"
                + system.streams.subscription("arch-benchmark").orElseThrow().getArchiveToken());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> atom(system.get(old + "/atom").body()).getEntries().size() == titles.size());

        // And its owner's manage page, reached from the emailed link, offering it
        assertThat(system.postJson("/api/manage-link", "{\"email\":\"feeds@example.org\"}")
                        .statusCode())
                .isEqualTo(202);
        MimeMessage linkEmail = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> smtp.messagesTo("feeds@example.org").stream()
                                .filter(m -> subject(m).contains("Manage"))
                                .findFirst()
                                .orElse(null),
                        m -> m != null);
        String manage = RegistrationHarness.link(linkEmail, "/manage");
        Document managePage = Jsoup.parse(system.get(manage).body());
        Element card = managePage.selectFirst("#sub-arch-benchmark");
        assertThat(card.selectFirst("a.atom").attr("href")).isEqualTo(old + "/atom");

        // When the owner asks for new addresses
        String renew = card.select("form").stream()
                .map(f -> f.attr("action"))
                .filter(action -> action.contains("/archive-address"))
                .findFirst()
                .orElseThrow();
        assertThat(system.send("POST", renew, "application/x-www-form-urlencoded", "")
                        .statusCode())
                .isEqualTo(303);

        // Then the old page and feeds answer 404
        for (String url : List.of(old, old + "/atom", old + "/json")) {
            assertThat(system.get(url).statusCode()).as(url).isEqualTo(404);
        }
        // And the new feed, on the manage page now, lists every match
        String renewed = Jsoup.parse(system.get(manage).body())
                .selectFirst("#sub-arch-benchmark a.atom")
                .attr("href");
        assertThat(renewed).isNotEqualTo(old + "/atom");
        HttpResponse<String> feed = system.get(renewed);
        assertThat(feed.statusCode()).isEqualTo(200);
        assertThat(atom(feed.body()).getEntries())
                .extracting(Entry::getTitle)
                .containsExactlyInAnyOrderElementsOf(titles);
    }

    @Test
    void shouldFitAPhoneReadWellInTheDarkAndLeadFromSeeAllToEveryMatch() throws Exception {
        Chromium.assumeInstalled();
        Set<String> titles = expected.get("arch-reasoning");
        String archive = system.url("/archive/arch-reasoning/"
                + system.streams.subscription("arch-reasoning").orElseThrow().getArchiveToken());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> titlesOnPage(system.get(archive).body()).size() == titles.size());
        Path emailFile = browserDir.resolve("email.html");
        Files.writeString(emailFile, html(cappedEmailTo("reader@example.org")));
        ChromeDriver browser = Chromium.start(Files.createDirectories(browserDir.resolve("profile")));
        try {
            // Given the received email's HTML in a 375 px wide window
            browser.manage().window().setSize(new Dimension(375, 800));
            browser.get(emailFile.toUri().toString());
            JavascriptExecutor js = browser;
            assertThat(((Number) js.executeScript("return window.innerWidth")).intValue())
                    .isLessThanOrEqualTo(375);

            // Then nothing scrolls sideways
            assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth")).intValue())
                    .isLessThanOrEqualTo(((Number) js.executeScript("return window.innerWidth")).intValue());

            // And in dark mode the text is light on a dark background
            browser.executeCdpCommand(
                    "Emulation.setEmulatedMedia",
                    Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
            assertThat(js.executeScript("return getComputedStyle(document.body).backgroundColor"))
                    .isEqualTo("rgb(18, 18, 18)");
            assertThat(js.executeScript("return getComputedStyle(document.querySelector('.snippet')).color"))
                    .isEqualTo("rgb(232, 234, 237)");

            // When its "see all" link is followed
            browser.findElement(By.cssSelector("a.see-all")).click();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> browser.getCurrentUrl().startsWith(archive));

            // Then the archive page shows every matched paper, and fits the phone too
            List<String> shown = new ArrayList<>();
            browser.findElements(By.cssSelector(".paper .title")).forEach(e -> shown.add(e.getText()));
            assertThat(shown).containsExactlyInAnyOrderElementsOf(titles);
            assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth")).intValue())
                    .isLessThanOrEqualTo(((Number) js.executeScript("return window.innerWidth")).intValue());
        } finally {
            browser.quit();
        }
    }

    /**
     * Last, on this class's broker: it makes every compacted topic compact at once, and adds a
     * paper to the other subscribers' archives (who are its positive control).
     */
    @Test
    @Order(Integer.MAX_VALUE)
    @Timeout(300)
    void shouldForgetASubscriberEverywhereWhileOtherSubscribersKeepTheirData() throws Exception {
        String forgotten = "forget.me@example.org";
        // Given a subscriber with an instant and a daily subscription, each with an archive
        Subscription instant = subscription("forget-instant", forgotten, "reasoning");
        Subscription daily = subscription("forget-daily", forgotten, "agent");
        daily.setDelivery(DeliveryMode.DAILY);
        // And a control recipient whose alerts share the forgotten one's partition (read after them)
        String control = Markers.addressBesides(Topics.ALERTS, forgotten, "control", "example.org");
        Subscription controlSubscription = subscription("forget-control", control, "zqxmarker");
        for (Subscription s : List.of(instant, daily, controlSubscription)) {
            kafka.produce(Topics.SUBSCRIPTIONS, s.getId(), s);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> system.streams.subscription("forget-daily").isPresent()
                        && system.streams.subscription("forget-control").isPresent());
        // And a manage-link generation an earlier version kept under the address itself
        kafka.produce(Topics.MANAGE_GENERATIONS, forgotten, "1");
        List<String> secrets = List.of(forgotten, instant.getArchiveToken(), daily.getArchiveToken());

        // And a paper that matched both: delivered at once, pending in tomorrow's digest, archived twice
        system.publish(RegistrationHarness.paper("forget-p1", "Reasoning agents that forget"));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !smtp.messagesTo(forgotten).isEmpty());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> kafka.readToEnd(Topics.DELIVERIES).stream()
                        .anyMatch(r -> r.key().startsWith(forgotten + " ")
                                && r.value() != null
                                && r.value().lines().anyMatch("forget-p1"::equals)));
        String archive = system.url("/archive/forget-daily/" + daily.getArchiveToken());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> system.get(archive).body().contains("Reasoning agents that forget"));
        assertThat(mentions(changelogs(), secrets))
                .as("the open digest and the archive, before")
                .isNotEmpty();
        // And a manage link, asked for and emailed
        assertThat(system.postJson("/api/manage-link", "{\"email\":\"" + forgotten + "\"}")
                        .statusCode())
                .isEqualTo(202);
        MimeMessage linkEmail = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> smtp.messagesTo(forgotten).stream()
                                .filter(m -> subject(m).contains("Manage"))
                                .findFirst()
                                .orElse(null),
                        m -> m != null);
        String manage = RegistrationHarness.link(linkEmail, "/manage");
        // And "more like this" said of the paper, from the instant email, and seen on the manage page
        String more = RegistrationHarness.link(smtp.messagesTo(forgotten).get(0), "/feedback");
        assertThat(system.send(
                                "POST",
                                "/feedback",
                                "application/x-www-form-urlencoded",
                                "token=" + more.substring(more.indexOf("token=") + 6) + "&opinion=more")
                        .statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Jsoup.parse(system.get(manage).body()).selectFirst(".opinion") != null);
        String forgetAction = Jsoup.parse(system.get(manage).body())
                .selectFirst("#forget")
                .parent()
                .attr("action");
        Instant before = Instant.now();

        // When the subscriber presses "Delete all my data"
        HttpResponse<String> done = system.send("POST", forgetAction, "application/x-www-form-urlencoded", "");

        // Then the page says so, the manage link and the archive are gone
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("Your data is deleted");
        assertThat(system.get(manage).statusCode()).isEqualTo(403);
        assertThat(system.get(archive).statusCode()).isIn(404, 410);
        // And the notifier has erased its delivery record, keeping only a pseudonymous note
        await().atMost(Duration.ofSeconds(60))
                .until(() -> kafka.readToEnd(Topics.DELIVERIES).stream()
                        .anyMatch(r -> r.key().startsWith("\u0000forgotten ")
                                && !r.key().contains(forgotten)));

        // And once compaction has run, no compacted topic, changelogs of every store included, holds
        // the address or its archive tokens, read from the beginning (uncommitted records too)
        List<String> compacted = new ArrayList<>(changelogs());
        Topics.ALL.stream().filter(t -> t.compacted()).map(t -> t.name()).forEach(compacted::add);
        compactSoon(compacted);
        await().atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    fill(compacted);
                    return mentions(compacted, secrets).isEmpty();
                });

        // And the other subscribers' data is untouched
        var subscriptionsLeft = CompactedTopics.latest(kafka.clients(), Topics.SUBSCRIPTIONS);
        assertThat(subscriptionsLeft)
                .containsKeys("arch-reasoning", "arch-benchmark", "forget-control")
                .doesNotContainKeys("forget-instant", "forget-daily");
        assertThat(kafka.readToEnd(Topics.DELIVERIES)).anyMatch(r -> r.key().startsWith("reader@example.org "));
        assertThat(system.get("/archive/arch-reasoning/"
                                + system.streams
                                        .subscription("arch-reasoning")
                                        .orElseThrow()
                                        .getArchiveToken())
                        .body())
                .contains("Reasoning agents that forget");
        assertThat(mentions(changelogs(), List.of("reader@example.org"))).isNotEmpty();

        // And the topics that are not compacted hold it only in records from before, kept a week at most
        for (var topic : List.of(
                Topics.ALERTS,
                Topics.DIGESTS,
                Topics.DIGESTS_BACKFILL,
                Topics.DIGESTS_RETRY,
                Topics.DELIVERIES_FAILED,
                Topics.DEAD_LETTERS,
                Topics.BACKFILL_REQUESTS)) {
            assertThat(Long.parseLong(topic.configs().get(TopicConfig.RETENTION_MS_CONFIG)))
                    .as(topic.name())
                    .isLessThanOrEqualTo(Duration.ofDays(7).toMillis());
        }
        assertThat(rawRecords(Topics.ALERTS.name()).stream().filter(r -> containsAny(r, secrets)))
                .isNotEmpty()
                .allMatch(r -> r.timestamp() < before.toEpochMilli());

        // And replaying its alerts sends nothing: the control's alert, after them on their partition, arrives alone
        int emailsBefore = smtp.messagesTo(forgotten).size();
        for (var alert : kafka.readToEnd(Topics.ALERTS)) {
            if (alert.key().equals(forgotten)) {
                kafka.produce(Topics.ALERTS, alert.key(), alert.value());
            }
        }
        system.publish(RegistrationHarness.paper("forget-control-paper", "Zqxmarker"));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !smtp.messagesTo(control).isEmpty());
        assertThat(smtp.messagesTo(forgotten)).hasSize(emailsBefore);
        assertThat(mentions(changelogs(), List.of(forgotten))).isEmpty();
    }

    /** The changelog topics of the streams service's stores. */
    private static List<String> changelogs() throws Exception {
        return kafka.admin().listTopics().names().get().stream()
                .filter(name -> name.endsWith("-changelog"))
                .sorted()
                .toList();
    }

    /** Makes the broker's cleaner compact these topics at once and drop tombstones on its next pass. */
    private static void compactSoon(List<String> topics) throws Exception {
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
        for (String topic : topics) {
            changes.put(
                    new ConfigResource(ConfigResource.Type.TOPIC, topic),
                    Map.of(
                                    "segment.ms",
                                    "100",
                                    "min.cleanable.dirty.ratio",
                                    "0.01",
                                    "delete.retention.ms",
                                    "0",
                                    "min.compaction.lag.ms",
                                    "0")
                            .entrySet()
                            .stream()
                            .map(e -> new AlterConfigOp(
                                    new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                            .toList());
        }
        kafka.admin().incrementalAlterConfigs(changes).all().get();
    }

    /** A tombstone of a key nobody has on every partition: it rolls the segment before it, which the cleaner then cleans. */
    private static void fill(List<String> topics) throws Exception {
        try (var producer = kafka.clients().producer(Map.of(), new StringSerializer(), new StringSerializer())) {
            for (String topic : topics) {
                for (var partition : producer.partitionsFor(topic)) {
                    producer.send(new ProducerRecord<String, String>(
                                    topic, partition.partition(), "compaction-filler", null))
                            .get();
                }
            }
        }
    }

    /** Every record of the topics, read from the beginning, whose key or value holds one of the texts. */
    private static List<String> mentions(List<String> topics, List<String> texts) {
        return rawRecords(topics).stream()
                .filter(r -> containsAny(r, texts))
                .map(r -> r.topic() + "-" + r.partition() + "@" + r.offset())
                .toList();
    }

    private static boolean containsAny(ConsumerRecord<byte[], byte[]> record, List<String> texts) {
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        String value = record.value() == null ? "" : new String(record.value(), StandardCharsets.ISO_8859_1);
        return texts.stream().anyMatch(text -> key.contains(text) || value.contains(text));
    }

    private static List<ConsumerRecord<byte[], byte[]>> rawRecords(String topic) {
        return rawRecords(List.of(topic));
    }

    /** With one consumer: there are a dozen changelogs. */
    private static List<ConsumerRecord<byte[], byte[]>> rawRecords(List<String> topics) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (var consumer = kafka.clients()
                .consumer(
                        Map.<String, Object>of(
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_uncommitted",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            var partitions = topics.stream()
                    .flatMap(topic ->
                            consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
