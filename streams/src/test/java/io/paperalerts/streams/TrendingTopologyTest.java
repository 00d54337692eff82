package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static io.paperalerts.streams.TestData.input;
import static io.paperalerts.streams.TestData.output;
import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.streams.claims.PaperClaims;
import io.paperalerts.streams.digest.DigestPolicy;
import io.paperalerts.time.MovableClock;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trending subscriptions and the upvote filter, on the topology as the service runs it. */
class TrendingTopologyTest {

    /** Saturday 2026-11-28, 06:00 UTC: two hours before the digest hour. */
    private static final Instant START = Instant.parse("2026-11-28T06:00:00Z");

    private static final LocalDate FRIDAY = LocalDate.parse("2026-11-27");
    private static final LocalDate SATURDAY = LocalDate.parse("2026-11-28");

    @TempDir
    Path stateDir;

    private final MovableClock clock = MovableClock.at(START);
    private TopologyTestDriver driver;
    private TestInputTopic<String, Subscription> subscriptions;
    private TestInputTopic<String, Paper> papers;
    private TestOutputTopic<String, Alert> alerts;
    private TestOutputTopic<String, Digest> digests;

    @BeforeEach
    void start() {
        var policy = new DigestPolicy(Duration.ofMinutes(1), 8, DayOfWeek.MONDAY, 50, 10, Duration.ofSeconds(1), clock);
        var props = new StreamsServiceConfig(Map.of(StreamsServiceConfig.STATE_DIR, stateDir.toString()))
                .streamsProperties();
        driver = new TopologyTestDriver(AlertTopology.build(new SubscriptionMatcher(), false, policy), props, START);
        subscriptions = input(driver, Topics.SUBSCRIPTIONS);
        papers = input(driver, Topics.PAPERS);
        alerts = output(driver, Topics.ALERTS);
        digests = output(driver, Topics.DIGESTS);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void advanceTo(Instant when) {
        Duration by = Duration.between(clock.instant(), when);
        clock.advance(by);
        driver.advanceWallClockTime(by);
    }

    private static Subscription trending(String id, String email, int top, String query, DeliveryMode mode) {
        Subscription s = active(id, email, query);
        s.setTrendingTop(top);
        s.setDelivery(mode);
        return s;
    }

    private static Paper listed(String id, LocalDate day, int upvotes, String title) {
        return Paper.newBuilder()
                .setId(id)
                .setTitle(title)
                .setAbstractText("")
                .setSource("hf-daily")
                .setPublished(day.atStartOfDay(ZoneOffset.UTC).toInstant())
                .setListedOn(day)
                .setUpvotes(upvotes)
                .build();
    }

    private void publish(Paper... published) {
        for (Paper paper : published) {
            papers.pipeInput(paper.getId(), paper);
        }
    }

    private static List<String> ranked(Digest digest) {
        return digest.getAlerts().stream()
                .map(a -> a.getPaper().getId() + ":" + a.getPaper().getUpvotes() + "#"
                        + a.getReasons().get(0).getTrendingRank())
                .toList();
    }

    @Test
    void shouldSendTheTopFiveOfThePreviousDayByTheLatestUpvotesAtTheDigestHour() {
        // Given a daily top-5 trending subscription and seven papers listed on Friday
        subscriptions.pipeInput("t1", trending("t1", "ada@example.org", 5, "", DeliveryMode.DAILY));
        publish(
                listed("p1", FRIDAY, 50, "One"),
                listed("p2", FRIDAY, 40, "Two"),
                listed("p3", FRIDAY, 30, "Three"),
                listed("p4", FRIDAY, 20, "Four"),
                listed("p5", FRIDAY, 10, "Five"),
                listed("p6", FRIDAY, 5, "Six"),
                listed("p7", FRIDAY, 0, "Seven"));
        // When two are polled again with new counts: p6 rises to the top, p1 falls
        publish(listed("p6", FRIDAY, 60, "Six"), listed("p1", FRIDAY, 15, "One"));
        assertThat(digests.isEmpty()).as("nothing before the digest hour").isTrue();
        advanceTo(Instant.parse("2026-11-28T08:00:00Z"));

        // Then one digest ranks Friday's papers by their latest counts, each once
        List<Digest> sent = digests.readValuesToList();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getKind()).isEqualTo(DigestKind.DAILY);
        assertThat(sent.get(0).getRecipient()).isEqualTo("ada@example.org");
        assertThat(ranked(sent.get(0))).containsExactly("p6:60#1", "p2:40#2", "p3:30#3", "p4:20#4", "p1:15#5");
        assertThat(sent.get(0).getAlerts())
                .allSatisfy(
                        a -> assertThat(a.getReasons().get(0).getTrendingDay()).isEqualTo(FRIDAY));
        // And the updates alerted nobody (no keyword subscription matched them before or after)
        assertThat(alerts.isEmpty()).isTrue();

        // When Saturday's papers come and the next digest hour passes
        publish(listed("s1", SATURDAY, 3, "Saturday"));
        advanceTo(Instant.parse("2026-11-29T08:00:00Z"));
        // Then the next digest has Saturday's papers only, and Friday's is not sent again
        assertThat(digests.readValuesToList())
                .singleElement()
                .satisfies(d -> assertThat(ranked(d)).containsExactly("s1:3#1"));
        advanceTo(Instant.parse("2026-11-29T09:00:00Z"));
        assertThat(digests.isEmpty()).isTrue();
    }

    @Test
    void shouldRankOnlyThePapersMatchingTheQueryOfATrendingSubscription() {
        subscriptions.pipeInput("t1", trending("t1", "ada@example.org", 2, "reward", DeliveryMode.DAILY));
        publish(
                listed("p1", FRIDAY, 90, "Attention everywhere"), listed("p2", FRIDAY, 30, "Reward hacking"),
                listed("p3", FRIDAY, 20, "A reward model"), listed("p4", FRIDAY, 10, "Rewards, again"));

        advanceTo(Instant.parse("2026-11-28T08:00:00Z"));

        Digest digest = digests.readValue();
        assertThat(ranked(digest)).containsExactly("p2:30#1", "p3:20#2");
        assertThat(digest.getAlerts().get(0).getReasons().get(0).getMatchedTerms())
                .containsExactly("Reward");
    }

    @Test
    void shouldSendNothingForADayWithoutUpvotedPapers() {
        subscriptions.pipeInput("t1", trending("t1", "ada@example.org", 5, "", DeliveryMode.DAILY));
        // Friday: listed, but nobody upvoted; Saturday: one upvoted
        publish(listed("p1", FRIDAY, 0, "Nobody"), listed("p2", SATURDAY, 7, "Somebody"));

        advanceTo(Instant.parse("2026-11-28T08:00:00Z"));
        advanceTo(Instant.parse("2026-11-29T08:00:00Z"));

        // Positive control: Saturday's digest came, so Friday's hour was checked and sent nothing
        assertThat(digests.readValuesToList())
                .singleElement()
                .satisfies(d -> assertThat(ranked(d)).containsExactly("p2:7#1"));
    }

    @Test
    void shouldSendAWeeklyTrendingDigestWithTheTopOfTheSevenDaysBefore() {
        subscriptions.pipeInput("t1", trending("t1", "ada@example.org", 2, "", DeliveryMode.WEEKLY));
        // Monday 2026-11-30 08:00 is the weekly hour: the week is 11-23 .. 11-29
        publish(
                listed("old", LocalDate.parse("2026-11-22"), 500, "Too old"),
                listed("mon", LocalDate.parse("2026-11-23"), 10, "Monday"),
                listed("fri", FRIDAY, 30, "Friday"),
                listed("sat", SATURDAY, 20, "Saturday"));

        advanceTo(Instant.parse("2026-11-30T08:00:00Z"));

        Digest digest = digests.readValue();
        assertThat(digest.getKind()).isEqualTo(DigestKind.WEEKLY);
        assertThat(ranked(digest)).containsExactly("fri:30#1", "sat:20#2");
    }

    @Test
    void shouldAlertAnUpvoteFilterOnceWhenAnUpdateFirstReachesTheThreshold() {
        // Given a keyword subscription with an upvote filter, and a plain one as a control
        subscriptions.pipeInput("u", active("u", "ada@example.org", "\"reward model\" upvotes:>=20"));
        subscriptions.pipeInput("plain", active("plain", "bob@example.org", "\"reward model\""));
        Paper paper = listed("p1", FRIDAY, 12, "A reward model that generalizes");

        // When the paper is first seen at 12 upvotes, then updated to 25, then to 30
        publish(paper);
        List<Alert> first = alerts.readValuesToList();
        publish(listed("p1", FRIDAY, 25, paper.getTitle()));
        List<Alert> second = alerts.readValuesToList();
        publish(listed("p1", FRIDAY, 30, paper.getTitle()));
        List<Alert> third = alerts.readValuesToList();

        // Then the plain subscription was alerted at once, the filtered one at the update to 25, and nothing more
        assertThat(first).extracting(Alert::getRecipient).containsExactly("bob@example.org");
        assertThat(second).singleElement().satisfies(a -> {
            assertThat(a.getRecipient()).isEqualTo("ada@example.org");
            assertThat(a.getPaper().getId()).isEqualTo("p1");
            assertThat(a.getReasons())
                    .extracting(MatchReason::getMatchedTerms)
                    .containsExactly(List.of("reward model", "25 upvotes"));
        });
        assertThat(third).isEmpty();
        // and the papers table holds the paper as it was alerted (the update to 30 alerted nobody)
        KeyValueStore<String, Paper> stored = driver.getKeyValueStore(PaperClaims.STORE);
        assertThat(stored.get("p1").getUpvotes()).isEqualTo(25);
    }
}
