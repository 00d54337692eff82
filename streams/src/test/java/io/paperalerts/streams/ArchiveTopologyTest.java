package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static io.paperalerts.streams.TestData.input;
import static io.paperalerts.streams.TestData.output;
import static io.paperalerts.streams.TestData.paper;
import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.streams.archive.ArchiveKeys;
import io.paperalerts.streams.archive.ArchivePolicy;
import io.paperalerts.streams.archive.ArchiveWriter;
import io.paperalerts.streams.digest.DigestPolicy;
import io.paperalerts.time.MovableClock;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive store behind each subscription's archive page and feeds, on the topology test driver. */
class ArchiveTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

    @TempDir
    Path stateDir;

    private final MovableClock clock = MovableClock.at(NOW);
    private TopologyTestDriver driver;
    private TestInputTopic<String, Subscription> subscriptions;
    private TestInputTopic<String, Paper> papers;
    private TestInputTopic<String, Alert> alerts;
    private TestOutputTopic<String, Digest> digests;
    private KeyValueStore<String, Alert> archive;

    @BeforeEach
    void start() {
        var digestPolicy = new DigestPolicy(Duration.ZERO, 8, DayOfWeek.MONDAY, 50, 100, Duration.ofSeconds(1), clock);
        var props = new StreamsServiceConfig(Map.of(StreamsServiceConfig.STATE_DIR, stateDir.toString()))
                .streamsProperties();
        driver = new TopologyTestDriver(
                AlertTopology.build(
                        new SubscriptionMatcher(), false, digestPolicy, new ArchivePolicy(2, Duration.ofDays(90))),
                props,
                NOW);
        subscriptions = input(driver, Topics.SUBSCRIPTIONS);
        papers = input(driver, Topics.PAPERS);
        alerts = input(driver, Topics.ALERTS);
        digests = output(driver, Topics.DIGESTS);
        archive = driver.getKeyValueStore(ArchiveWriter.STORE);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private static Paper dated(String id, String title, Instant published) {
        Paper paper = paper(id, title, "");
        paper.setPublished(published);
        return paper;
    }

    /** One subscription's archive, in the store's order. */
    private List<Alert> archiveOf(String recipient, String subscriptionId) {
        List<Alert> entries = new ArrayList<>();
        try (var scan = archive.prefixScan(ArchiveKeys.prefix(recipient, subscriptionId), new StringSerializer())) {
            scan.forEachRemaining(entry -> entries.add(entry.value));
        }
        return entries;
    }

    private static List<String> ids(List<Alert> entries) {
        return entries.stream().map(a -> a.getPaper().getId()).toList();
    }

    @Test
    void shouldArchiveEachSubscriptionsMatchesNewestFirstWithItsOwnReason() {
        // Given two subscriptions of one recipient
        subscriptions.pipeInput("s-reward", active("s-reward", "ada@example.org", "reward"));
        subscriptions.pipeInput("s-hacking", active("s-hacking", "ada@example.org", "hacking"));

        // When papers published on different days match them, one paper both
        papers.pipeInput("p1", dated("p1", "Reward models", NOW.minus(Duration.ofDays(3))));
        papers.pipeInput("p3", dated("p3", "Reward hacking", NOW.minus(Duration.ofDays(1))));
        papers.pipeInput("p2", dated("p2", "Hacking the reward", NOW.minus(Duration.ofDays(2))));

        // Then each archive lists its papers newest first, each entry naming only its subscription
        assertThat(ids(archiveOf("ada@example.org", "s-reward"))).containsExactly("p3", "p2", "p1");
        assertThat(ids(archiveOf("ada@example.org", "s-hacking"))).containsExactly("p3", "p2");
        assertThat(archiveOf("ada@example.org", "s-hacking")).allSatisfy(entry -> {
            assertThat(entry.getSubscriptionIds()).containsExactly("s-hacking");
            assertThat(entry.getReasons())
                    .extracting(MatchReason::getSubscriptionId)
                    .containsExactly("s-hacking");
        });
    }

    @Test
    void shouldArchiveABackfillsAlertsWithoutEmailingThemAgain() {
        // Given an active subscription
        subscriptions.pipeInput("s1", active("s1", "ada@example.org", "reward"));
        Paper old = dated("old", "Reward shaping", NOW.minus(Duration.ofDays(5)));

        // When a backfill's alert arrives (its digest was sent by the backfill itself)
        alerts.pipeInput(
                "ada@example.org",
                Alert.newBuilder()
                        .setRecipient("ada@example.org")
                        .setSubscriptionIds(List.of("s1"))
                        .setPaper(old)
                        .setReasons(List.of(MatchReason.newBuilder()
                                .setSubscriptionId("s1")
                                .setQuery("reward")
                                .build()))
                        .setMatchedAt(NOW)
                        .setKind(AlertKind.BACKFILL)
                        .build());
        // And then a live match (the positive control: its digest must come, alone)
        papers.pipeInput("new", dated("new", "Reward models", NOW));
        clock.advance(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));

        // Then both are in the archive, and only the live one was emailed
        assertThat(ids(archiveOf("ada@example.org", "s1"))).containsExactly("new", "old");
        List<Digest> sent = digests.readValuesToList();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getAlerts())
                .extracting(a -> a.getPaper().getId())
                .containsExactly("new");
    }

    @Test
    void shouldPruneOldMatchesBeyondTheNewestFewAndTheMatchesOfDeletedSubscriptions() {
        // Given a subscription with one recent match and three older than the 90 days kept
        subscriptions.pipeInput("s1", active("s1", "ada@example.org", "reward"));
        subscriptions.pipeInput("s2", active("s2", "bob@example.org", "reward"));
        papers.pipeInput("recent", dated("recent", "Reward now", NOW.minus(Duration.ofDays(1))));
        for (int i = 1; i <= 3; i++) {
            papers.pipeInput("old" + i, dated("old" + i, "Reward then " + i, NOW.minus(Duration.ofDays(100 + i))));
        }
        assertThat(ids(archiveOf("ada@example.org", "s1"))).containsExactly("recent", "old1", "old2", "old3");

        // When an hour passes (the pruning runs) and s2 is deleted
        subscriptions.pipeInput("s2", (Subscription) null);
        driver.advanceWallClockTime(Duration.ofHours(1));

        // Then s1 keeps every recent match and at least its newest two; s2's archive is gone
        assertThat(ids(archiveOf("ada@example.org", "s1"))).containsExactly("recent", "old1");
        assertThat(archiveOf("bob@example.org", "s2")).isEmpty();
    }
}
