package io.paperalerts.registration;

import static io.paperalerts.registration.RegistrationHarness.link;
import static io.paperalerts.registration.RegistrationHarness.paper;
import static io.paperalerts.registration.RegistrationHarness.unsubscribeLink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.mail.LinkTokens;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Registration through its HTTP API, on a real broker, streams service, notifier and SMTP server. */
class RegistrationApiTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    static Path stateDir;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static RegistrationHarness system;

    @BeforeAll
    static void start() throws Exception {
        // Recommendations on (off by default): only readers who gave feedback get any.
        system = new RegistrationHarness(
                kafka, smtp, stateDir, Map.of(), Map.of(StreamsServiceConfig.RECOMMENDATIONS_PER_WEEK, 1));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static String register(String email, String query) throws Exception {
        HttpResponse<String> response = system.postJson(
                "/api/subscriptions", "{\"email\":\"" + email + "\",\"query\":" + JSON.writeValueAsString(query) + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).has("archive"))
                .as("the archive address in an answer to anyone")
                .isFalse();
        return json(response).get("id").asText();
    }

    private static MimeMessage awaitEmail(String to, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.messagesTo(to).size() >= count);
        return smtp.messagesTo(to).get(count - 1);
    }

    private static String token(String link) {
        return link.substring(link.indexOf("token=") + 6);
    }

    private static String manageToken(String email) {
        return new LinkTokens(
                        RegistrationHarness.SECRET.getBytes(StandardCharsets.UTF_8),
                        Duration.ofDays(1),
                        Clock.systemUTC())
                .sign("manage", email, List.of());
    }

    @Test
    void shouldAlertOnlyOnceTheAddressOwnerConfirmed() throws Exception {
        // Given a registration, whose confirmation email arrives
        String id = register("api-ada@example.org", "\"reward hacking\"");
        MimeMessage confirmation = awaitEmail("api-ada@example.org", 1);
        assertThat(confirmation.getSubject()).isEqualTo("[paper-alerts] Confirm your subscription");
        assertThat((String) ((MimeMultipart) confirmation.getContent())
                        .getBodyPart(0)
                        .getContent())
                .contains("for the query \u201creward hacking\u201d.");
        String confirmLink = link(confirmation, "/confirm");

        // When a matching paper arrives before confirmation, nothing is sent
        system.publish(paper("api-p1", "Reward hacking before confirmation"));
        system.awaitMatched("api-p1");
        assertThat(system.alertedTo("api-ada@example.org")).isEmpty();
        assertThat(smtp.messagesTo("api-ada@example.org")).hasSize(1);

        // And opening the link (as a mail scanner would) changes nothing
        HttpResponse<String> page = system.get(confirmLink);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(Jsoup.parse(page.body()).text()).contains("Confirm subscription", "\u201creward hacking\u201d");
        assertThat(system.streams.subscription(id))
                .get()
                .extracting(s -> s.getStatus())
                .isEqualTo(SubscriptionStatus.PENDING);

        // When the button is pressed (twice)
        HttpResponse<String> confirmed =
                system.send("POST", "/confirm", "application/x-www-form-urlencoded", "token=" + token(confirmLink));
        HttpResponse<String> again =
                system.send("POST", "/confirm", "application/x-www-form-urlencoded", "token=" + token(confirmLink));

        // Then it is active, and the second press says so
        assertThat(confirmed.body()).contains("Your subscription is active");
        assertThat(again.body()).contains("already active");
        assertThat(system.streams.subscription(id))
                .get()
                .extracting(s -> s.getStatus())
                .isEqualTo(SubscriptionStatus.ACTIVE);

        // And the next matching paper is emailed, the earlier one is not
        system.publish(paper("api-p2", "Reward hacking after confirmation"));
        MimeMessage alert = awaitEmail("api-ada@example.org", 2);
        assertThat(alert.getSubject())
                .isEqualTo(
                        "[paper-alerts] New paper for \u201creward hacking\u201d: Reward hacking after confirmation");
        assertThat(alert.getHeader("X-Paper-Ids")).containsExactly("api-p2");
    }

    /** Everything emailed to an address so far, text parts, confirmation included. */
    private static String emailedText(String to) throws Exception {
        StringBuilder all = new StringBuilder();
        for (MimeMessage message : smtp.messagesTo(to)) {
            all.append(((MimeMultipart) message.getContent()).getBodyPart(0).getContent());
        }
        return all.toString();
    }

    /** The "More like this" or "Less like this" link of a paper, in the text part that lists it. */
    private static String opinionLink(String to, String title, String which) throws Exception {
        String text = emailedText(to);
        int at = text.indexOf(title);
        assertThat(at).as("%s was emailed to %s", title, to).isNotNegative();
        java.util.regex.Matcher link =
                java.util.regex.Pattern.compile(which + " like this: (\\S+)").matcher(text);
        assertThat(link.find(at)).as("a %s link after %s", which, title).isTrue();
        return link.group(1);
    }

    /** A paper of the ranking test: published {@code hour} hours into 2026-12-01, so later ones list first. */
    private static Paper rankPaper(String id, String title, String abstractText, int hour) {
        Paper paper = paper(id, title);
        paper.setAbstractText(abstractText);
        paper.setPublished(Instant.parse("2026-12-01T00:00:00Z").plus(Duration.ofHours(hour)));
        return paper;
    }

    private static HttpResponse<String> postForm(String path, String form) throws Exception {
        return system.send("POST", path, "application/x-www-form-urlencoded", form);
    }

    /** Registers and confirms a subscription (its confirmation the address's next email); @return its id */
    private static String confirmed(String email, String query) throws Exception {
        int before = smtp.messagesTo(email).size();
        String id = register(email, query);
        String confirmLink = link(awaitEmail(email, before + 1), "/confirm");
        system.send("POST", "/api/subscriptions/" + id + "/confirm?token=" + token(confirmLink), null, null);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> system.streams
                        .subscription(id)
                        .filter(s -> s.getStatus() == SubscriptionStatus.ACTIVE)
                        .isPresent());
        return id;
    }

    /** The reader follows "More like this" of a paper it was emailed and confirms, until its model is learnt. */
    private static void moreLike(String reader, Paper paper) throws Exception {
        String more = opinionLink(reader, paper.getTitle(), "More");
        assertThat(postForm("/feedback", "token=" + token(more).replace("&opinion=more", "") + "&opinion=more")
                        .statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> system.streams.model(reader).isPresent());
    }

    @Test
    void shouldRankTheSamePapersDifferentlyForTwoReadersWhoClickedOppositeFeedbackWithReasons() throws Exception {
        // Given two confirmed readers of the same query, each emailed the same two papers
        String ada = "rank-ada@example.org";
        String bob = "rank-bob@example.org";
        Map<String, String> ids = new java.util.HashMap<>();
        for (String who : List.of(ada, bob)) {
            ids.put(who, confirmed(who, "xqzrank"));
        }
        Paper grasping = rankPaper(
                "xqzrank-grasp",
                "Xqzrank agents for robot grasping",
                "We train robot agents to grasp household objects with tactile sensors and dexterous hands.",
                1);
        Paper proving = rankPaper(
                "xqzrank-prove",
                "Xqzrank agents that prove theorems",
                "Language model agents write formal proofs in Lean, searching over tactics for competition theorems.",
                2);
        system.publish(grasping);
        system.publish(proving);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> List.of(ada, bob).stream().allMatch(who -> {
                    try {
                        String text = emailedText(who);
                        return text.contains(grasping.getTitle()) && text.contains(proving.getTitle());
                    } catch (Exception e) {
                        return false;
                    }
                }));

        // When Ada follows "More like this" of the grasping paper and confirms, and Bob "Less like this"
        String adaMore = opinionLink(ada, grasping.getTitle(), "More");
        HttpResponse<String> asked = system.get(adaMore);
        assertThat(asked.statusCode()).isEqualTo(200);
        var askPage = Jsoup.parse(asked.body());
        assertThat(askPage.selectFirst("#paper").text()).isEqualTo(grasping.getTitle());
        assertThat(askPage.select("button[name=opinion]"))
                .extracting(b -> b.attr("value"))
                .containsExactly("more", "less");
        HttpResponse<String> saved =
                postForm("/feedback", "token=" + token(adaMore).replace("&opinion=more", "") + "&opinion=more");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(Jsoup.parse(saved.body()).selectFirst("#result").text()).contains("will rank higher");
        String bobLess = opinionLink(bob, grasping.getTitle(), "Less");
        assertThat(postForm("/feedback", "token=" + token(bobLess).replace("&opinion=less", "") + "&opinion=less")
                        .statusCode())
                .isEqualTo(200);
        // (and a forged token or an opinion that is neither is refused, naming the problem)
        assertThat(postForm("/feedback", "token=forged.token&opinion=more").statusCode())
                .isEqualTo(403);
        HttpResponse<String> sideways =
                postForm("/feedback", "token=" + token(adaMore).replace("&opinion=more", "") + "&opinion=sideways");
        assertThat(sideways.statusCode()).isEqualTo(400);
        assertThat(sideways.body()).contains("The opinion must be \"more\" or \"less\".");

        // Then each reader's manage page lists what it said, once the streams service has it
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> system.get("/manage?token=" + manageToken(ada)).body(),
                        body -> Jsoup.parse(body)
                                .select(".opinion")
                                .text()
                                .startsWith("More like " + grasping.getTitle()));
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> system.get("/manage?token=" + manageToken(bob)).body(),
                        body -> Jsoup.parse(body)
                                .select(".opinion")
                                .text()
                                .startsWith("Less like " + grasping.getTitle()));
        // and the feedback topic holds one record per opinion, on the partition of the reader's alerts
        assertThat(kafka.readToEnd(Topics.FEEDBACK).stream().filter(r -> r.key().startsWith(ada)))
                .singleElement()
                .satisfies(r -> assertThat(r.partition()).isEqualTo(Topics.ALERTS.partitionOf(ada)));

        // And when three more papers arrive together (one partition, so one instant window)
        int partition = Topics.PAPERS.partitionOf("xqzrank-tactile");
        Paper tactile = rankPaper(
                io.paperalerts.testing.Markers.onPartition(Topics.PAPERS, partition, "xqzrank-tactile-"),
                "Xqzrank tactile agents for dexterous robot hands",
                "Robot hands with tactile sensors let agents grasp fragile objects; grasping policies learnt from touch.",
                10);
        Paper traffic = rankPaper(
                io.paperalerts.testing.Markers.onPartition(Topics.PAPERS, partition, "xqzrank-traffic-"),
                "Xqzrank agents in traffic simulation",
                "Driving agents in a city traffic simulator learn to merge lanes safely in dense traffic.",
                9);
        Paper lean = rankPaper(
                io.paperalerts.testing.Markers.onPartition(Topics.PAPERS, partition, "xqzrank-lean-"),
                "Xqzrank theorem proving agents with tactic search",
                "Agents prove Lean theorems by searching tactics with a language model, solving competition problems.",
                8);
        int adaBefore = smtp.messagesTo(ada).size();
        int bobBefore = smtp.messagesTo(bob).size();
        for (Paper paper : List.of(tactile, traffic, lean)) {
            system.publish(paper);
        }
        MimeMessage adaDigest = awaitEmail(ada, adaBefore + 1);
        MimeMessage bobDigest = awaitEmail(bob, bobBefore + 1);

        // Then both get the same three papers: Ada the tactile one first, for the paper she liked, Bob it last
        List<String> adaOrder = matchedTitles(adaDigest);
        List<String> bobOrder = matchedTitles(bobDigest);
        assertThat(adaOrder).containsExactlyInAnyOrder(tactile.getTitle(), traffic.getTitle(), lean.getTitle());
        assertThat(bobOrder).containsExactlyInAnyOrderElementsOf(adaOrder);
        assertThat(adaOrder.get(0)).isEqualTo(tactile.getTitle());
        assertThat(html(adaDigest).select(".paper").get(0).select(".why .match").eachText())
                .contains("Like \u201c" + grasping.getTitle() + "\u201d, which you liked");
        assertThat(bobOrder.get(2)).isEqualTo(tactile.getTitle());
        assertThat(html(bobDigest).text()).doesNotContain("which you liked");

        // And her archive page and feeds have the links too, and still answer 304 to a reader that has them
        String archive = system.url("/archive/" + ids.get(ada) + "/"
                + system.streams.subscription(ids.get(ada)).orElseThrow().getArchiveToken());
        HttpResponse<String> page = system.get(archive);
        // in her order: the grasping paper she liked above the theorem-proving one, newer by an hour
        var archivePage = Jsoup.parse(page.body());
        List<String> archived = archivePage.select(".paper .title").eachText();
        assertThat(archived)
                .containsExactlyInAnyOrder(
                        grasping.getTitle(),
                        proving.getTitle(),
                        tactile.getTitle(),
                        traffic.getTitle(),
                        lean.getTitle());
        assertThat(archived.indexOf(grasping.getTitle())).isLessThan(archived.indexOf(proving.getTitle()));
        assertThat(archivePage.text()).contains("each page in your order").contains("which you liked");
        assertThat(Jsoup.parse(page.body()).select(".paper a.less-like").eachAttr("href"))
                .hasSize(5)
                .allSatisfy(
                        href -> assertThat(href).contains("/feedback?token=").endsWith("&opinion=less"));
        assertThat(system.send(
                                "GET",
                                archive,
                                null,
                                null,
                                Map.of(
                                        "If-None-Match",
                                        page.headers().firstValue("ETag").orElseThrow()))
                        .statusCode())
                .isEqualTo(304);
        assertThat(JSON.readTree(system.get(archive + "/json").body()).path("items"))
                .allSatisfy(item -> assertThat(item.path("_paper_alerts")
                                .path("more_like_this_url")
                                .asText())
                        .contains("/feedback?token="));

        // And when Ada undoes hers on the manage page, it is gone
        assertThat(postForm("/manage/feedback/undo?token=" + manageToken(ada), "paper=" + grasping.getId())
                        .statusCode())
                .isEqualTo(303);
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> system.get("/manage?token=" + manageToken(ada)).body(),
                        body -> Jsoup.parse(body).selectFirst("#no-opinions") != null);
        // and when Bob asks to be forgotten, the topic gets a tombstone for his opinion
        assertThat(postForm("/manage/forget?token=" + manageToken(bob), "").statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var bobs = kafka.readToEnd(Topics.FEEDBACK).stream()
                    .filter(r -> r.key().startsWith(bob))
                    .toList();
            return !bobs.isEmpty() && bobs.get(bobs.size() - 1).value() == null;
        });
        // and his old emails' feedback links are refused
        assertThat(system.get(bobLess).statusCode()).isEqualTo(403);
    }

    private static org.jsoup.nodes.Document html(MimeMessage message) throws Exception {
        return Jsoup.parse(
                (String) ((MimeMultipart) message.getContent()).getBodyPart(1).getContent());
    }

    /** The titles of an email's papers that its subscriptions matched: those before "Recommended for you". */
    private static List<String> matchedTitles(MimeMessage message) throws Exception {
        List<String> titles = new java.util.ArrayList<>();
        for (var element : html(message).select("h2.group, .paper")) {
            if (element.is("h2") && element.text().equals(AlertMailer.RECOMMENDED_HEADING)) {
                break;
            }
            if (element.is(".paper")) {
                titles.add(element.selectFirst(".title").text());
            }
        }
        return titles;
    }

    @Test
    void shouldRecommendAPaperNoneOfTheReadersSubscriptionsMatchedForOneItLiked() throws Exception {
        // Given a confirmed reader, and another whose alerts share its partition (the same task)
        String dan = "rec-dan@example.org";
        String erin = io.paperalerts.testing.Markers.addressBesides(Topics.ALERTS, dan, "rec-erin", "example.org");
        confirmed(dan, "zqxrec");
        confirmed(erin, "zqxhands");
        // And the reader said "more like this" of a paper about coral reefs (no other test's subject)
        Paper liked = rankPaper(
                "zqxrec-coral",
                "Zqxrec coral reef bleaching under marine heatwaves",
                "Coral reefs bleach when marine heatwaves warm the ocean; we survey reef recovery and coral symbionts.",
                1);
        system.publish(liked);
        awaitEmail(dan, 2);
        moreLike(dan, liked);
        // And a paper like it that only the other reader's query matched, emailed to that reader
        Paper alike = rankPaper(
                "zqxhands-reef",
                "Zqxhands reef recovery after coral bleaching",
                "After marine heatwaves bleach coral reefs, coral symbionts return; reef recovery surveyed over years.",
                2);
        system.publish(alike);
        awaitEmail(erin, 2);

        // When a paper for the reader arrives
        Paper match = rankPaper(
                "zqxrec-prove",
                "Zqxrec agents that prove theorems",
                "Language model agents write formal proofs in Lean, searching over tactics for competition theorems.",
                3);
        system.publish(match);
        MimeMessage digest = awaitEmail(dan, 3);

        // Then its email lists that paper, and below it, under its own heading, the one recommended
        assertThat(matchedTitles(digest)).containsExactly(match.getTitle());
        var html = html(digest);
        assertThat(html.select("h2.group").eachText()).containsExactly(AlertMailer.RECOMMENDED_HEADING);
        var recommended = html.select(".paper").get(1);
        assertThat(recommended.selectFirst(".title").text()).isEqualTo(alike.getTitle());
        assertThat(recommended.select(".why .match").text())
                .isEqualTo("Recommended: none of your subscriptions matched it, but it is like \u201c"
                        + liked.getTitle() + "\u201d, which you liked");
        // with its own "more like this" and "less like this", which the feedback page takes
        String moreOfIt = opinionLink(dan, alike.getTitle(), "More");
        assertThat(system.get(moreOfIt).statusCode()).isEqualTo(200);
        // and the reader of it, who gave no feedback, was recommended nothing
        assertThat(html(smtp.messagesTo(erin).get(1)).select("h2.group")).isEmpty();
    }

    @Test
    void shouldSendNothingMoreAfterOneClickUnsubscribeFromAReceivedAlert() throws Exception {
        // Given a confirmed subscription (through the API) that received an alert
        String id = register("api-bob@example.org", "protein");
        String confirmLink = link(awaitEmail("api-bob@example.org", 1), "/confirm");
        HttpResponse<String> confirmed =
                system.send("POST", "/api/subscriptions/" + id + "/confirm?token=" + token(confirmLink), null, null);
        assertThat(json(confirmed).get("alreadyActive").asBoolean()).isFalse();
        system.publish(paper("api-p3", "Protein folding"));
        MimeMessage alert = awaitEmail("api-bob@example.org", 2);

        // When the mail client POSTs to the List-Unsubscribe link (RFC 8058)
        HttpResponse<String> unsubscribed = system.send(
                "POST", unsubscribeLink(alert), "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");

        // Then the subscription has ended and later matching papers send nothing
        assertThat(unsubscribed.statusCode()).isEqualTo(200);
        assertThat(system.streams.subscription(id))
                .get()
                .extracting(s -> s.getStatus())
                .isEqualTo(SubscriptionStatus.CANCELLED);
        system.publish(paper("api-p4", "Protein design"));
        system.awaitMatched("api-p4");
        assertThat(system.alertedTo("api-bob@example.org")).containsExactly("api-p3");
        assertThat(smtp.messagesTo("api-bob@example.org")).hasSize(2);
    }

    @Test
    void shouldBackfillTheRequestedDaysAsOneDigestOnceConfirmed() throws Exception {
        // Given two papers already published on a subject
        system.publish(paper("api-q1", "Quasar spectra at high redshift"));
        system.publish(paper("api-q2", "Quasar variability"));

        // When a registration asks for the last day's papers and is confirmed
        HttpResponse<String> response = system.postJson(
                "/api/subscriptions", "{\"email\":\"api-frank@example.org\",\"query\":\"quasar\",\"backfillDays\":1}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String confirmLink = link(awaitEmail("api-frank@example.org", 1), "/confirm");
        system.send("POST", "/confirm", "application/x-www-form-urlencoded", "token=" + token(confirmLink));

        // Then both arrive in one digest
        MimeMessage backfill = awaitEmail("api-frank@example.org", 2);
        assertThat(backfill.getSubject()).isEqualTo("[paper-alerts] 2 papers from the last day for \u201cquasar\u201d");
        assertThat(backfill.getHeader("X-Paper-Ids")[0].split(" ")).containsExactlyInAnyOrder("api-q1", "api-q2");
        // One backfill digest: the confirmation started one backfill, which has written all it will
        assertThat(system.kafka.readToEnd(Topics.DIGESTS_BACKFILL))
                .filteredOn(d -> d.key().equals("api-frank@example.org"))
                .hasSize(1);
        assertThat(smtp.messagesTo("api-frank@example.org")).hasSize(2);
    }

    @Test
    void shouldSendTheBackfillOfANewSubscriptionInTheReadersOrderOnceItGaveFeedback() throws Exception {
        // Given a reader who said "more like this" of a paper about robot grasping
        String reader = "bf-rank@example.org";
        confirmed(reader, "zqxgrip");
        Paper grasping = rankPaper(
                "zqxgrip-grasp",
                "Zqxgrip agents for robot grasping",
                "We train robot agents to grasp household objects with tactile sensors and dexterous hands.",
                1);
        system.publish(grasping);
        awaitEmail(reader, 2);
        moreLike(reader, grasping);
        // And two papers of another subject, the one about tactile hands the older (listed last by date)
        Paper tactile = rankPaper(
                "zqxbf-tactile",
                "Zqxbf tactile agents for dexterous robot hands",
                "Robot hands with tactile sensors let agents grasp fragile objects; grasping policies learnt from touch.",
                5);
        Paper traffic = rankPaper(
                "zqxbf-traffic",
                "Zqxbf agents in traffic simulation",
                "Driving agents in a city traffic simulator learn to merge lanes safely in dense traffic.",
                9);
        // (dated this week, which the backfill covers: papers are chosen by their own date)
        Instant thisWeek = Instant.now().minus(Duration.ofDays(2));
        tactile.setPublished(thisWeek.plus(Duration.ofHours(5)));
        traffic.setPublished(thisWeek.plus(Duration.ofHours(9)));
        system.publish(tactile);
        system.publish(traffic);

        // When the reader subscribes to that subject, asking for the last week's papers
        HttpResponse<String> response = system.postJson(
                "/api/subscriptions", "{\"email\":\"" + reader + "\",\"query\":\"zqxbf\",\"backfillDays\":7}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String confirmLink = link(awaitEmail(reader, 3), "/confirm");
        system.send(
                "POST",
                "/api/subscriptions/" + json(response).get("id").asText() + "/confirm?token=" + token(confirmLink),
                null,
                null);

        // Then the backfill's email lists both, the tactile one first, for the paper the reader liked
        MimeMessage backfill = awaitEmail(reader, 4);
        assertThat(backfill.getSubject()).contains("from the last 7 days");
        assertThat(matchedTitles(backfill)).containsExactly(tactile.getTitle(), traffic.getTitle());
        assertThat(html(backfill).select(".paper").get(0).select(".why .match").eachText())
                .contains("Like \u201c" + grasping.getTitle() + "\u201d, which you liked");
    }

    @Test
    void shouldListChangeAndDeleteTheSubscriptionsOfTheAddressInTheManageToken() throws Exception {
        String id = register("api-carol@example.org", "robot*");
        String token = manageToken("api-carol@example.org");

        JsonNode listed = json(system.get("/api/subscriptions?token=" + token));
        assertThat(listed.get("subscriptions"))
                .extracting(s -> s.get("id").asText())
                .containsExactly(id);
        // The owner sees its archive address; whoever registered it did not (the answer had none)
        String archive = system.streams.subscription(id).orElseThrow().getArchiveToken();
        assertThat(listed.get("subscriptions").get(0).get("archive").asText())
                .isEqualTo(system.url("/archive/" + id + "/" + archive));

        HttpResponse<String> changed = system.send(
                "PATCH",
                "/api/subscriptions/" + id + "?token=" + token,
                "application/json",
                "{\"query\":\"robot* OR humanoid\",\"delivery\":\"daily\"}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(system.streams.subscription(id)).get().satisfies(s -> {
            assertThat(s.getQuery()).isEqualTo("robot* OR humanoid");
            assertThat(s.getDelivery().name()).isEqualTo("DAILY");
        });

        assertThat(system.send("DELETE", "/api/subscriptions/" + id + "?token=" + token, null, null)
                        .statusCode())
                .isEqualTo(204);
        assertThat(system.streams.subscription(id)).isEmpty();
        assertThat(json(system.get("/api/subscriptions?token=" + token)).get("subscriptions"))
                .isEmpty();
    }

    @Test
    void shouldPreviewTheRecentPapersAQueryMatches() throws Exception {
        system.publishSamplePapers();
        await().atMost(Duration.ofSeconds(30)).until(() -> system.server.recentPapers() >= 67);

        JsonNode preview = json(system.get("/api/preview?query=%22reward+hacking%22&limit=5"));

        assertThat(preview.get("searched").asInt()).isGreaterThanOrEqualTo(67);
        assertThat(preview.get("papers")).isNotEmpty().hasSizeLessThanOrEqualTo(5);
        for (JsonNode paper : preview.get("papers")) {
            assertThat(paper.get("title").asText() + " " + paper.get("matched")).containsIgnoringCase("reward");
        }
    }

    @Test
    void shouldRegisterATrendingSubscriptionWithoutAQueryAndRefuseAnInstantOneOrABadTop() throws Exception {
        // Given a trending registration without a query
        HttpResponse<String> response = system.postJson(
                "/api/subscriptions", "{\"email\":\"api-trend@example.org\",\"trending\":{\"top\":10}}");

        // Then it is accepted as a daily trending subscription, and the confirmation says what it sends
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).get("trending").get("top").asInt()).isEqualTo(10);
        assertThat(json(response).get("delivery").asText()).isEqualTo("daily");
        MimeMessage confirmation = awaitEmail("api-trend@example.org", 1);
        assertThat((String) ((MimeMultipart) confirmation.getContent())
                        .getBodyPart(0)
                        .getContent())
                .contains("for the 10 most upvoted papers of each day.");

        // And an instant one, a top out of range and a malformed one are refused, naming the field
        assertRefused(
                system.postJson(
                        "/api/subscriptions",
                        "{\"email\":\"x@example.org\",\"trending\":{\"top\":5},\"delivery\":\"instant\"}"),
                400,
                "delivery",
                "a trending subscription ranks whole days");
        assertRefused(
                system.postJson("/api/subscriptions", "{\"email\":\"x@example.org\",\"trending\":{\"top\":0}}"),
                400,
                "trending.top",
                "expected 1 to 50 papers, got 0");
        assertRefused(
                system.postJson("/api/subscriptions", "{\"email\":\"x@example.org\",\"trending\":10}"),
                400,
                "trending",
                "expected an object");
        // An upvote filter is checked like the rest of a query, with its position
        HttpResponse<String> badFilter =
                system.postJson("/api/subscriptions", "{\"email\":\"x@example.org\",\"query\":\"reward upvotes:>=x\"}");
        assertRefused(badFilter, 400, "query", "invalid upvote filter");
        assertThat(json(badFilter).get("position").asInt()).isEqualTo(8);
    }

    @Test
    void shouldRefuseInvalidFieldsNamingTheFieldAndTheReason() throws Exception {
        assertRefused(
                system.postJson("/api/subscriptions", "{\"email\":\"not-an-address\",\"query\":\"grpo\"}"),
                400,
                "email",
                "invalid email address");
        assertRefused(system.postJson("/api/subscriptions", "{\"query\":\"grpo\"}"), 400, "email", "required");
        HttpResponse<String> badQuery =
                system.postJson("/api/subscriptions", "{\"email\":\"x@example.org\",\"query\":\"title:(reward\"}");
        assertRefused(badQuery, 400, "query", "unbalanced parentheses");
        assertThat(json(badQuery).get("position").asInt()).isEqualTo(7);
        assertRefused(
                system.postJson(
                        "/api/subscriptions",
                        "{\"email\":\"x@example.org\",\"query\":\"grpo\",\"delivery\":\"hourly\"}"),
                400,
                "delivery",
                "unknown delivery mode 'hourly'");
        assertRefused(
                system.postJson(
                        "/api/subscriptions",
                        "{\"email\":\"x@example.org\",\"query\":\"grpo\",\"timezone\":\"Mars/Olympus\"}"),
                400,
                "timezone",
                "unknown time zone");
        assertRefused(
                system.postJson(
                        "/api/subscriptions",
                        "{\"email\":\"x@example.org\",\"query\":\"" + "a".repeat(17 * 1024) + "\"}"),
                413,
                "body",
                "body over 16 KiB");
        assertRefused(system.postJson("/api/subscriptions", "{not json"), 400, "body", "not valid JSON");
        HttpResponse<String> lineBreak = system.postJson(
                "/api/subscriptions",
                "{\"email\":\"x@example.org\",\"query\":\"grpo\\nClick https://evil.test to keep your account\"}");
        assertRefused(lineBreak, 400, "query", "contains a line break (U+000A) at position 5");
        assertThat(json(lineBreak).get("position").asInt()).isEqualTo(5);
        assertRefused(
                system.postJson(
                        "/api/subscriptions", "{\"email\":\"x@example.org\",\"query\":\"grpo \\u202Emoc.live\"}"),
                400,
                "query",
                "contains a formatting character (such as a bidirectional override) (U+202E) at position 6");
        assertRefused(system.get("/api/preview?query=a%0Db"), 400, "query", "contains a line break (U+000D)");
        assertRefused(system.get("/api/preview?query=*"), 400, "query", "");
    }

    @Test
    void shouldRefuseATamperedOrExpiredTokenAndAnUnknownId() throws Exception {
        String token = manageToken("api-dan@example.org");
        String tampered = token.substring(0, token.indexOf('.') - 2) + "xx" + token.substring(token.indexOf('.'));
        assertRefused(system.get("/api/subscriptions?token=" + tampered), 403, null, "");
        assertThat(system.get("/manage?token=" + tampered).statusCode()).isEqualTo(403);
        assertThat(system.send("POST", "/unsubscribe?token=" + tampered, null, null)
                        .statusCode())
                .isEqualTo(403);

        String expired = new LinkTokens(
                        RegistrationHarness.SECRET.getBytes(StandardCharsets.UTF_8),
                        Duration.ofDays(1),
                        Clock.fixed(Instant.now().minus(Duration.ofDays(3)), ZoneOffset.UTC))
                .sign("manage", "api-dan@example.org", List.of());
        assertRefused(system.get("/api/subscriptions?token=" + expired), 403, null, "expired");

        assertRefused(
                system.send("DELETE", "/api/subscriptions/no-such-id?token=" + token, null, null),
                404,
                null,
                "no subscription no-such-id");
        String someoneElses = register("api-erin@example.org", "diffusion");
        assertRefused(
                system.send("DELETE", "/api/subscriptions/" + someoneElses + "?token=" + token, null, null),
                403,
                null,
                "not one of api-dan@example.org's");
    }

    @Test
    void shouldLimitRegistrationsPerAddressAndPerClientWithRetryAfter() throws Exception {
        for (int i = 0; i < 5; i++) {
            register("api-busy@example.org", "grpo");
        }
        HttpResponse<String> limited =
                system.postJson("/api/subscriptions", "{\"email\":\"api-busy@example.org\",\"query\":\"grpo\"}");
        assertRefused(limited, 429, null, "too many requests for api-busy@example.org");
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1L, 3600L);
    }

    @Test
    void shouldLetTheVictimRegisterAfterAnAttackerFloodedItsAddress() throws Exception {
        // Given an attacker (behind the trusted proxy, as every client here) flooding the victim's address
        String body = "{\"email\":\"api-victim@example.org\",\"query\":\"grpo\"}";
        int accepted = 0;
        for (int i = 0; i < 40; i++) {
            int status = system.send(
                            "POST",
                            "/api/subscriptions",
                            "application/json",
                            body,
                            Map.of("X-Forwarded-For", "203.0.113.7"))
                    .statusCode();
            accepted += status == 202 ? 1 : 0;
            assertThat(status).isIn(202, 429);
        }
        assertThat(accepted).isEqualTo(5);

        // When the owner of the address registers from its own client
        HttpResponse<String> own = system.send(
                "POST",
                "/api/subscriptions",
                "application/json",
                "{\"email\":\"api-victim@example.org\",\"query\":\"diffusion\"}",
                Map.of("X-Forwarded-For", "198.51.100.9"));

        // Then it is accepted: the flood spent only the attacker's own allowance
        assertThat(own.statusCode()).as(own.body()).isEqualTo(202);
    }

    @Test
    void shouldServeAnOpenApiDocumentWhosePathsAllExist() throws Exception {
        HttpResponse<String> response = system.get("/openapi.json");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode paths = json(response).get("paths");
        int operations = 0;
        for (Map.Entry<String, JsonNode> path : paths.properties()) {
            for (String method : List.of("get", "post", "patch", "delete")) {
                if (path.getValue().has(method)) {
                    String url = path.getKey().replace("{id}", "some-id");
                    int status = system.send(method.toUpperCase(Locale.ROOT), url, null, null)
                            .statusCode();
                    assertThat(status).as(method + " " + url).isNotIn(404, 405, 500);
                    operations++;
                }
            }
        }
        assertThat(operations).isGreaterThanOrEqualTo(12);
        assertThat(system.get("/").body()).contains("<form id=\"subscribe-form\"");
    }

    @Test
    void shouldRefuseJsonInAnotherContentTypeAndWritesFromAnotherSite() throws Exception {
        String body = "{\"email\":\"api-csrf@example.org\",\"query\":\"grpo\"}";

        // What a hostile page can send without a CORS preflight: text/plain, or a form
        assertRefused(
                system.send("POST", "/api/subscriptions", "text/plain;charset=UTF-8", body),
                415,
                "Content-Type",
                "expected Content-Type application/json, got 'text/plain'");
        assertRefused(
                system.send("POST", "/api/subscriptions", "application/x-www-form-urlencoded", "email=x"),
                415,
                "Content-Type",
                "got 'application/x-www-form-urlencoded'");
        assertRefused(system.send("POST", "/api/manage-link", null, body), 415, "Content-Type", "got 'none'");
        // What a browser says on another site's page, whatever the body
        assertRefused(
                system.send(
                        "POST", "/api/subscriptions", "application/json", body, Map.of("Origin", "https://evil.test")),
                403,
                null,
                "requests from https://evil.test are refused");
        assertRefused(
                system.send(
                        "POST", "/api/subscriptions", "application/json", body, Map.of("Sec-Fetch-Site", "cross-site")),
                403,
                null,
                "cross-site requests are refused");
        assertThat(system.send(
                                "POST",
                                "/unsubscribe?token=x",
                                "application/x-www-form-urlencoded",
                                "List-Unsubscribe=One-Click",
                                Map.of("Origin", "https://evil.test"))
                        .statusCode())
                .isEqualTo(403);
        // None of it was saved
        assertThat(system.kafka.readToEnd(Topics.SUBSCRIPTIONS))
                .noneMatch(r -> r.value() != null && r.value().getEmail().equals("api-csrf@example.org"));

        // While our own page (same origin) still registers
        HttpResponse<String> own = system.send(
                "POST",
                "/api/subscriptions",
                "application/json",
                body,
                Map.of("Origin", system.url(""), "Sec-Fetch-Site", "same-origin"));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(202);
    }

    @Test
    void shouldSendTheSecurityHeadersOnEveryPageAndAnswer() throws Exception {
        String manage = manageToken("api-headers@example.org");
        for (String path : List.of(
                "/",
                "/openapi.json",
                "/assets/subscribe.js",
                "/assets/subscribe.css",
                "/assets/pages.css",
                "/api/preview?query=grpo",
                "/api/preview?query=*",
                "/confirm?token=bad",
                "/manage?token=" + manage,
                "/unsubscribe?token=bad",
                "/no-such-page")) {
            HttpResponse<String> response = system.get(path);
            assertThat(response.headers().firstValue("Content-Security-Policy"))
                    .as(path)
                    .hasValue(SecurityHeaders.CONTENT_SECURITY_POLICY);
            assertThat(response.headers().firstValue("X-Content-Type-Options"))
                    .as(path)
                    .hasValue("nosniff");
            assertThat(response.headers().firstValue("X-Frame-Options"))
                    .as(path)
                    .hasValue("DENY");
            assertThat(response.headers().firstValue("Referrer-Policy"))
                    .as(path)
                    .hasValue("same-origin");
            assertThat(response.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
        }
        // The policy allows no inline script or style: the pages have none
        for (String path : List.of("/", "/manage?token=" + manage)) {
            String page = system.get(path).body();
            assertThat(page)
                    .as(path)
                    .doesNotContain("<style", " style=", " onclick=", " onsubmit=")
                    .doesNotContainPattern("<script>[^<]");
        }
    }

    @Test
    void shouldNeverOfferALinkThatIsNotHttpInAPreview() throws Exception {
        // A paper written straight to the topic (not through ingest, which drops such links)
        system.publish(Paper.newBuilder(paper("api-xss", "Quokka behaviour"))
                .setUrl("javascript:alert(document.cookie)")
                .build());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> json(system.get("/api/preview?query=quokka"))
                                .get("papers")
                                .size()
                        == 1);

        JsonNode shown =
                json(system.get("/api/preview?query=quokka")).get("papers").get(0);

        assertThat(shown.get("title").asText()).isEqualTo("Quokka behaviour");
        assertThat(shown.get("url").isNull()).isTrue();
    }

    @Test
    void shouldKeepOnePendingConfirmationPerAddressAndForgetItOnceItsLinkExpired() throws Exception {
        // Given two registrations of one address, neither confirmed
        String first = register("api-pending@example.org", "grpo");
        String firstLink = link(awaitEmail("api-pending@example.org", 1), "/confirm");
        String second = register("api-pending@example.org", "diffusion");

        // Then only the second is on file: the first link now leads nowhere
        await().atMost(Duration.ofSeconds(30))
                .until(() -> system.streams.subscription(first).isEmpty());
        assertThat(system.streams.subscription(second))
                .get()
                .extracting(s -> s.getStatus())
                .isEqualTo(SubscriptionStatus.PENDING);
        assertThat(system.send("POST", "/confirm", "application/x-www-form-urlencoded", "token=" + token(firstLink))
                        .statusCode())
                .isEqualTo(404);

        // When its confirmation link has expired (48 h), the sweep removes it
        assertThat(system.server.expirePending(Instant.now().plus(Duration.ofHours(47))))
                .isZero();
        assertThat(system.server.expirePending(Instant.now().plus(Duration.ofHours(49))))
                .isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> system.streams.subscription(second).isEmpty());
    }

    @Test
    void shouldKeepEarlierManageLinksWorkingWhenSomeoneAsksForAnother() throws Exception {
        // Given a manage link asked for, from its email
        register("api-revoke@example.org", "grpo");
        assertThat(system.postJson("/api/manage-link", "{\"email\":\"api-revoke@example.org\"}")
                        .statusCode())
                .isEqualTo(202);
        String older = link(awaitEmail("api-revoke@example.org", 2), "/manage");

        // When anyone asks for another one for the same address
        assertThat(system.postJson("/api/manage-link", "{\"email\":\"api-revoke@example.org\"}")
                        .statusCode())
                .isEqualTo(202);
        String newer = link(awaitEmail("api-revoke@example.org", 3), "/manage");

        // Then both work: asking cannot cut the owner off
        assertThat(system.get(older).statusCode()).isEqualTo(200);
        assertThat(system.get(newer).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseEveryEarlierManageLinkOnceItsOwnerRevokesThem() throws Exception {
        // Given two manage links of one address
        register("api-revoked@example.org", "grpo");
        assertThat(system.postJson("/api/manage-link", "{\"email\":\"api-revoked@example.org\"}")
                        .statusCode())
                .isEqualTo(202);
        String first = link(awaitEmail("api-revoked@example.org", 2), "/manage");
        assertThat(system.postJson("/api/manage-link", "{\"email\":\"api-revoked@example.org\"}")
                        .statusCode())
                .isEqualTo(202);
        String second = link(awaitEmail("api-revoked@example.org", 3), "/manage");

        // When the owner presses the manage page's button to revoke them
        HttpResponse<String> revoked = system.send("POST", "/manage/revoke-links?token=" + token(second), null, null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.body()).contains("is refused from now on");

        // Then both are refused, on the page and in the API, and a link asked for afterwards works
        for (String link : List.of(first, second)) {
            HttpResponse<String> refused = system.get(link);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("revoked by its owner");
            assertRefused(system.get("/api/subscriptions?token=" + token(link)), 403, null, "revoked by its owner");
        }
        assertThat(system.postJson("/api/manage-link", "{\"email\":\"api-revoked@example.org\"}")
                        .statusCode())
                .isEqualTo(202);
        String fresh = link(awaitEmail("api-revoked@example.org", 4), "/manage");
        assertThat(json(system.get("/api/subscriptions?token=" + token(fresh)))
                        .get("email")
                        .asText())
                .isEqualTo("api-revoked@example.org");
    }

    private static void assertRefused(HttpResponse<String> response, int status, String field, String reason)
            throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("reason").asText()).contains(reason);
        if (field != null) {
            assertThat(body.get("field").asText()).isEqualTo(field);
        }
    }
}
