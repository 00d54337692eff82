package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static io.paperalerts.streams.TestData.input;
import static io.paperalerts.streams.TestData.output;
import static io.paperalerts.streams.TestData.paper;
import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.digest.DigestPolicy;
import io.paperalerts.streams.digest.DigestScheduler;
import io.paperalerts.time.MovableClock;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestTopologyTest {

    /** A Saturday, 10:00 UTC (11:00 in Paris). */
    private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");

    @TempDir
    Path stateDir;

    private final MovableClock clock = MovableClock.at(START);
    private TopologyTestDriver driver;
    private TestInputTopic<String, Subscription> subscriptions;
    private TestInputTopic<String, Paper> papers;
    private TestOutputTopic<String, Digest> digests;

    private void start(int maxPapers, int maxEmailsPerHour) {
        start(Duration.ofMinutes(1), maxPapers, maxEmailsPerHour);
    }

    private void start(Duration instantWindow, int maxPapers, int maxEmailsPerHour) {
        var policy = new DigestPolicy(
                instantWindow, 8, DayOfWeek.MONDAY, maxPapers, maxEmailsPerHour, Duration.ofSeconds(1), clock);
        var props = new StreamsServiceConfig(Map.of(StreamsServiceConfig.STATE_DIR, stateDir.toString()))
                .streamsProperties();
        driver = new TopologyTestDriver(AlertTopology.build(new SubscriptionMatcher(), false, policy), props, START);
        subscriptions = input(driver, Topics.SUBSCRIPTIONS);
        papers = input(driver, Topics.PAPERS);
        digests = output(driver, Topics.DIGESTS);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    /** Moves both the digest clock and the driver's wall clock, which fires the punctuation. */
    private void advance(Duration by) {
        clock.advance(by);
        driver.advanceWallClockTime(by);
    }

    private void advanceTo(Instant when) {
        advance(Duration.between(clock.instant(), when));
    }

    private static Subscription subscription(String id, String email, String query, DeliveryMode mode, String zone) {
        Subscription s = active(id, email, query);
        s.setDelivery(mode);
        s.setTimezone(zone);
        return s;
    }

    private static List<String> paperIds(Digest digest) {
        return digest.getAlerts().stream().map(a -> a.getPaper().getId()).toList();
    }

    @Test
    void shouldSendTwoPapersArrivingWithinTheInstantWindowAsOneDigest() {
        start(50, 10);
        // Given an instant subscription
        subscriptions.pipeInput("s1", subscription("s1", "ada@example.org", "reward", DeliveryMode.INSTANT, "UTC"));

        // When two matching papers arrive 20 seconds apart
        papers.pipeInput("p1", paper("p1", "Reward models", ""));
        advance(Duration.ofSeconds(20));
        papers.pipeInput("p2", paper("p2", "Reward hacking", ""));

        // Then nothing goes out before the window closes
        advance(Duration.ofSeconds(39));
        assertThat(digests.isEmpty()).isTrue();

        // And one digest lists both once it has
        advance(Duration.ofSeconds(2));
        var out = digests.readKeyValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key).isEqualTo("ada@example.org");
        Digest digest = out.get(0).value;
        assertThat(digest.getKind()).isEqualTo(DigestKind.INSTANT);
        assertThat(paperIds(digest)).containsExactly("p1", "p2");
        assertThat(digest.getPeriodStart()).isEqualTo(START);

        // And a paper after the window starts a new digest
        papers.pipeInput("p3", paper("p3", "Reward shaping", ""));
        advance(Duration.ofSeconds(61));
        assertThat(digests.readValuesToList())
                .extracting(DigestTopologyTest::paperIds)
                .containsExactly(List.of("p3"));
    }

    @Test
    void shouldSendEachAlertAtOnceWithoutWaitingForACheckWhenTheInstantWindowIsZero() {
        start(Duration.ZERO, 50, 2);
        // Given an instant subscription and no grouping window
        subscriptions.pipeInput("s1", subscription("s1", "ada@example.org", "reward", DeliveryMode.INSTANT, "UTC"));

        // When two matching papers arrive and the wall clock has not moved
        papers.pipeInput("p1", paper("p1", "Reward models", ""));
        papers.pipeInput("p2", paper("p2", "Reward hacking", ""));

        // Then each went out as a digest of its own at once
        assertThat(digests.readValuesToList())
                .extracting(DigestTopologyTest::paperIds)
                .containsExactly(List.of("p1"), List.of("p2"));

        // And past the hourly limit (2) alerts still wait for a free slot and go out together
        papers.pipeInput("p3", paper("p3", "Reward shaping", ""));
        papers.pipeInput("p4", paper("p4", "Reward design", ""));
        assertThat(digests.isEmpty()).isTrue();
        advance(Duration.ofMinutes(61));
        assertThat(digests.readValuesToList())
                .extracting(DigestTopologyTest::paperIds)
                .containsExactly(List.of("p3", "p4"));
    }

    @Test
    void shouldSendOneDailyDigestAtTheHourOfTheRecipientsTimeZoneAndNoneForADayWithoutMatches() {
        start(50, 10);
        // Given a daily subscription in Paris (UTC+1 in November), digests at 08:00 local
        subscriptions.pipeInput(
                "s1", subscription("s1", "ada@example.org", "reward", DeliveryMode.DAILY, "Europe/Paris"));

        // When papers match over the day
        papers.pipeInput("p1", paper("p1", "Reward models", ""));
        advance(Duration.ofHours(5));
        papers.pipeInput("p2", paper("p2", "Reward hacking", ""));
        papers.pipeInput("p3", paper("p3", "Protein folding", ""));

        // Then nothing goes out before 08:00 in Paris the next morning
        advanceTo(Instant.parse("2026-11-29T06:59:00Z"));
        assertThat(digests.isEmpty()).isTrue();

        // And at 08:00 Paris (07:00 UTC) one digest holds the day's matches
        advanceTo(Instant.parse("2026-11-29T07:00:01Z"));
        List<Digest> out = digests.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getKind()).isEqualTo(DigestKind.DAILY);
        assertThat(paperIds(out.get(0))).containsExactly("p1", "p2");
        assertThat(out.get(0).getPeriodStart()).isEqualTo(Instant.parse("2026-11-28T07:00:00Z"));
        assertThat(out.get(0).getPeriodEnd()).isEqualTo(Instant.parse("2026-11-29T07:00:00Z"));
        assertThat(out.get(0).getTimezone()).isEqualTo("Europe/Paris");

        // And a day without matches sends nothing
        advance(Duration.ofDays(1));
        assertThat(digests.isEmpty()).isTrue();
    }

    @Test
    void shouldSendAWeeklyDigestOnTheConfiguredDay() {
        start(50, 10);
        subscriptions.pipeInput("s1", subscription("s1", "ada@example.org", "reward", DeliveryMode.WEEKLY, "UTC"));

        papers.pipeInput("p1", paper("p1", "Reward models", ""));
        advanceTo(Instant.parse("2026-11-30T07:59:00Z"));
        assertThat(digests.isEmpty()).isTrue();

        // Monday 08:00 UTC
        advanceTo(Instant.parse("2026-11-30T08:00:00Z"));
        assertThat(digests.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.getKind()).isEqualTo(DigestKind.WEEKLY);
            assertThat(paperIds(d)).containsExactly("p1");
        });
    }

    @Test
    void shouldListAtMostTheCapAndCountTheRest() {
        start(2, 10);
        subscriptions.pipeInput("s1", subscription("s1", "ada@example.org", "reward", DeliveryMode.DAILY, "UTC"));

        for (int i = 1; i <= 5; i++) {
            papers.pipeInput("p" + i, paper("p" + i, "Reward study " + i, ""));
        }
        advance(Duration.ofDays(1));

        Digest digest = digests.readValue();
        assertThat(paperIds(digest)).containsExactly("p1", "p2");
        assertThat(digest.getOmitted()).isEqualTo(3);
    }

    @Test
    void shouldMergeALaterMatchOfAPaperIntoItsPlaceInTheOpenDigest() {
        start(50, 10);
        subscriptions.pipeInput("s1", subscription("s1", "ada@example.org", "reward", DeliveryMode.DAILY, "UTC"));
        papers.pipeInput("p1", paper("p1", "Reward study", ""));
        papers.pipeInput("p2", paper("p2", "Reward model", ""));

        // When a subscription of the same recipient registered later matches p1 when it comes again
        subscriptions.pipeInput("s2", subscription("s2", "ada@example.org", "study", DeliveryMode.DAILY, "UTC"));
        papers.pipeInput("p1", paper("p1", "Reward study", ""));
        advance(Duration.ofDays(1));

        // Then p1 is listed once, first, with both subscriptions
        Digest digest = digests.readValue();
        assertThat(paperIds(digest)).containsExactly("p1", "p2");
        assertThat(digest.getAlerts().get(0).getSubscriptionIds()).containsExactlyInAnyOrder("s1", "s2");
        assertThat(digests.isEmpty()).isTrue();
    }

    @Test
    void shouldSendTheAlertsOfADigestOpenedBeforeAlertsHadEntriesOfTheirOwn() {
        start(50, 10);
        subscriptions.pipeInput("s1", subscription("s1", "ada@example.org", "reward", DeliveryMode.DAILY, "UTC"));
        papers.pipeInput("p1", paper("p1", "Reward study", ""));

        // Given the open digest as an earlier version stored it: its alerts inside it
        KeyValueStore<String, Digest> buffers = driver.getKeyValueStore(DigestScheduler.BUFFERS_STORE);
        KeyValueStore<String, Alert> entries = driver.getKeyValueStore(DigestScheduler.BUFFERED_ALERTS_STORE);
        KeyValueStore<String, List<Long>> sizes = driver.getKeyValueStore(DigestScheduler.BUFFER_SIZES_STORE);
        String key = DigestScheduler.bufferKey(DeliveryMode.DAILY, "ada@example.org");
        List<Alert> inside = new ArrayList<>();
        List<String> entryKeys = new ArrayList<>();
        try (var all = entries.all()) {
            all.forEachRemaining(entry -> {
                entryKeys.add(entry.key);
                inside.add(entry.value);
            });
        }
        entryKeys.forEach(entries::delete);
        sizes.delete(key);
        Digest legacy = buffers.get(key);
        legacy.setAlerts(inside);
        buffers.put(key, legacy);

        // When another paper joins it and the day passes
        papers.pipeInput("p2", paper("p2", "Reward model", ""));
        advance(Duration.ofDays(1));

        // Then both are sent
        assertThat(inside).hasSize(1);
        assertThat(paperIds(digests.readValue())).containsExactly("p1", "p2");
    }

    @Test
    void shouldHoldEmailsOverTheHourlyLimitAndSendThemTogetherWhenASlotFrees() {
        start(50, 2);
        subscriptions.pipeInput("s1", subscription("s1", "ada@example.org", "reward", DeliveryMode.INSTANT, "UTC"));

        // Given two emails already sent this hour
        papers.pipeInput("p1", paper("p1", "Reward one", ""));
        advance(Duration.ofSeconds(61));
        papers.pipeInput("p2", paper("p2", "Reward two", ""));
        advance(Duration.ofSeconds(61));
        assertThat(digests.readValuesToList()).hasSize(2);

        // When two more papers arrive in separate windows
        papers.pipeInput("p3", paper("p3", "Reward three", ""));
        advance(Duration.ofMinutes(10));
        papers.pipeInput("p4", paper("p4", "Reward four", ""));
        advance(Duration.ofMinutes(10));

        // Then they wait
        assertThat(digests.isEmpty()).isTrue();

        // And go out together when the first email of the hour ages out
        advanceTo(START.plus(Duration.ofHours(1)).plusSeconds(61));
        assertThat(digests.readValuesToList())
                .extracting(DigestTopologyTest::paperIds)
                .containsExactly(List.of("p3", "p4"));
    }

    @Test
    void shouldSendNothingForASubscriptionCancelledBeforeItsDigestWasDue() {
        start(50, 10);
        Subscription daily = subscription("s1", "ada@example.org", "reward", DeliveryMode.DAILY, "UTC");
        subscriptions.pipeInput("s1", daily);
        papers.pipeInput("p1", paper("p1", "Reward models", ""));

        // When the subscription is cancelled before the digest is due
        daily.setStatus(SubscriptionStatus.CANCELLED);
        subscriptions.pipeInput("s1", daily);
        advance(Duration.ofDays(1));

        // Then no digest is sent
        assertThat(digests.isEmpty()).isTrue();
    }

    @Test
    void shouldPutAPaperInTheDigestOfEachDeliveryModeThatMatchedIt() {
        start(50, 10);
        subscriptions.pipeInput("s1", subscription("s1", "ada@example.org", "reward", DeliveryMode.INSTANT, "UTC"));
        subscriptions.pipeInput("s2", subscription("s2", "ada@example.org", "hacking", DeliveryMode.DAILY, "UTC"));
        subscriptions.pipeInput("s3", subscription("s3", "bob@example.org", "hacking", DeliveryMode.INSTANT, "UTC"));

        papers.pipeInput("p1", paper("p1", "Reward hacking", ""));
        advance(Duration.ofSeconds(61));

        // Instant digests right away, each naming only its own subscriptions
        Map<String, Digest> instant = digests.readKeyValuesToMap();
        assertThat(instant).containsOnlyKeys("ada@example.org", "bob@example.org");
        assertThat(instant.get("ada@example.org").getAlerts())
                .extracting(Alert::getSubscriptionIds)
                .containsExactly(List.of("s1"));

        // And the daily one the next morning (the notifier skips papers already delivered)
        advance(Duration.ofDays(1));
        assertThat(digests.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.getKind()).isEqualTo(DigestKind.DAILY);
            assertThat(d.getAlerts()).extracting(Alert::getSubscriptionIds).containsExactly(List.of("s2"));
        });
    }
}
