package io.paperalerts.streams;

import io.paperalerts.feedback.FeedbackKeys;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Opinion;
import io.paperalerts.schemas.Paper;
import io.paperalerts.streams.archive.ArchivePolicy;
import io.paperalerts.streams.digest.DigestPolicy;
import io.paperalerts.streams.sharding.SubscriptionShards;
import io.paperalerts.time.MovableClock;
import io.paperalerts.topics.Topic;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The service's topology on the test driver with a digest clock of the test's own: the default
 * policy (one-minute instant window, daily at 08:00, weekly on Monday, 50 papers, 10 emails an
 * hour, a check each second), the service's own Streams settings.
 */
final class TopologyFixture implements AutoCloseable {

    final MovableClock clock;
    final TopologyTestDriver driver;

    TopologyFixture(Path stateDir, Instant start) {
        this(stateDir, start, 0);
    }

    /** @param recommendationsPerWeek {@code digest.recommendations.per.week} */
    TopologyFixture(Path stateDir, Instant start, int recommendationsPerWeek) {
        this(stateDir, start, recommendationsPerWeek, SubscriptionShards.none());
    }

    /** @param shards how the subscriptions are matched ({@code streams.matching.shards}) */
    TopologyFixture(Path stateDir, Instant start, int recommendationsPerWeek, SubscriptionShards shards) {
        this.clock = MovableClock.at(start);
        var policy = new DigestPolicy(
                Duration.ofMinutes(1),
                8,
                DayOfWeek.MONDAY,
                50,
                10,
                Duration.ofSeconds(1),
                clock,
                recommendationsPerWeek);
        var props = new StreamsServiceConfig(Map.of(StreamsServiceConfig.STATE_DIR, stateDir.toString()))
                .streamsProperties();
        this.driver = new TopologyTestDriver(
                AlertTopology.build(
                        new SubscriptionMatcher(),
                        false,
                        policy,
                        ArchivePolicy.defaults(),
                        new TopologyCounters(),
                        true,
                        shards),
                props,
                start);
    }

    <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
        return TestData.input(driver, topic);
    }

    <K, V> TestOutputTopic<K, V> output(Topic<K, V> topic) {
        return TestData.output(driver, topic);
    }

    /**
     * The papers arrive, and each reader's digest of them goes out (the instant window is a minute).
     *
     * @return the digests, by reader
     */
    Map<String, Digest> sendAll(
            TestInputTopic<String, Paper> papers, TestOutputTopic<String, Digest> digests, Paper... sent) {
        for (Paper paper : sent) {
            papers.pipeInput(paper.getId(), paper);
        }
        advance(Duration.ofMinutes(2));
        return digests.readValuesToList().stream()
                // An erasure's record, which tells the notifier, has no value.
                .filter(d -> d != null)
                .collect(Collectors.toMap(Digest::getRecipient, d -> d, (a, b) -> {
                    throw new AssertionError("two digests for " + a.getRecipient());
                }));
    }

    /** A reader's "more like this" or "less like this" of a paper, at {@code at}. */
    static void say(
            TestInputTopic<String, Feedback> feedback, String reader, Paper paper, Opinion opinion, Instant at) {
        feedback.pipeInput(
                FeedbackKeys.key(reader, paper.getId()),
                new Feedback(reader, paper.getId(), opinion, paper.getTitle(), at),
                at);
    }

    /** Moves both the digest clock and the driver's wall clock, which fires the punctuations. */
    void advance(Duration by) {
        clock.advance(by);
        driver.advanceWallClockTime(by);
    }

    @Override
    public void close() {
        driver.close();
    }
}
