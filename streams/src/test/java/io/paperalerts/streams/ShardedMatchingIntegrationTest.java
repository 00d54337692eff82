package io.paperalerts.streams;

import static io.paperalerts.streams.TestData.active;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.streams.sharding.SubscriptionShards;
import io.paperalerts.testing.JavaProcess;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscriptions matched by shards on a real broker: two instances share the shards, each holding
 * only its own shards' subscriptions, and together they alert exactly as one matcher of every
 * subscription would (exactly-once, read_committed).
 */
@Timeout(240)
class ShardedMatchingIntegrationTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    private static final int SHARDS = 4;

    @TempDir
    Path stateDirs;

    private AlertStreamsService instance(String name) {
        return new AlertStreamsService(new StreamsServiceConfig(Map.of(
                        CommonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                        StreamsServiceConfig.MATCHING_SHARDS, SHARDS,
                        StreamsServiceConfig.STATE_DIR, stateDirs.resolve(name).toString())))
                .start();
    }

    /** One marker recipient per shard: a paper only they match shows that shard caught up. */
    private static final List<Subscription> MARKERS = markers();

    private static List<Subscription> markers() {
        List<Subscription> markers = new ArrayList<>();
        Set<Integer> covered = new HashSet<>();
        for (int n = 0; covered.size() < SHARDS; n++) {
            String email = "marker-" + n + "@markers.example.org";
            if (covered.add(SubscriptionShards.shardOf(email, SHARDS))) {
                markers.add(active("marker-" + n, email, "xqzmarker"));
            }
        }
        return markers;
    }

    private static boolean isMarker(String recipient) {
        return recipient.endsWith("@markers.example.org");
    }

    /** "recipient paper subscription-ids" for every alert one matcher of every subscription gives. */
    private static List<String> expectedAlerts(List<Subscription> subscriptions, List<Paper> papers) {
        SubscriptionMatcher matcher = new SubscriptionMatcher();
        subscriptions.forEach(s -> matcher.update(s.getId(), s));
        List<String> expected = new ArrayList<>();
        for (Paper paper : papers) {
            Map<String, Set<String>> byRecipient = new TreeMap<>();
            matcher.match(paper)
                    .forEach(m -> byRecipient
                            .computeIfAbsent(MatchAlerts.recipient(m), r -> new TreeSet<>())
                            .add(m.subscription().getId()));
            byRecipient.forEach((recipient, ids) -> expected.add(recipient + " " + paper.getId() + " " + ids));
        }
        return expected;
    }

    private static List<String> described(List<ConsumerRecord<String, Alert>> alerts) {
        return alerts.stream()
                .map(r -> r.key() + " " + r.value().getPaper().getId() + " "
                        + new TreeSet<>(r.value().getReasons().stream()
                                .map(MatchReason::getSubscriptionId)
                                .toList()))
                .toList();
    }

    private static int round;

    /** Until the process, since it was last started, says it runs. */
    private static void awaitRunning(JavaProcess process) {
        await().atMost(Duration.ofSeconds(60))
                .failFast(() -> !process.isAlive())
                .until(() -> {
                    String log = process.tail(40);
                    return log.substring(Math.max(0, log.lastIndexOf("=== start")))
                            .contains("running");
                });
    }

    /** Every alert so far but the markers', once each shard has matched everything before its marker. */
    private static List<ConsumerRecord<String, Alert>> readAlerts() {
        return SampleAlerts.afterMarkers(kafka, ++round, SHARDS, ShardedMatchingIntegrationTest::isMarker);
    }

    @Test
    void shouldAlertAsOneMatcherWouldWhileEachInstanceHoldsOnlyItsShards() throws Exception {
        // Given 80 subscriptions of 23 recipients (some writing their address two ways), and two
        // instances sharing the shards
        List<Subscription> subscriptions = IntStream.range(0, 80)
                .mapToObj(i -> active(
                        "s" + i,
                        (i % 2 == 0 ? "Reader" : "reader") + (i % 23) + "@example.org",
                        SampleAlerts.QUERIES.get(i % SampleAlerts.QUERIES.size())))
                .toList();
        subscriptions.forEach(s -> kafka.produce(Topics.SUBSCRIPTIONS, s.getId(), s));
        MARKERS.forEach(s -> kafka.produce(Topics.SUBSCRIPTIONS, s.getId(), s));
        List<String> expected = expectedAlerts(subscriptions, SampleAlerts.papers());
        assertThat(expected).hasSizeGreaterThan(100);
        int total = subscriptions.size() + MARKERS.size();
        try (var first = instance("first");
                var second = instance("second")) {
            first.awaitRunning(Duration.ofSeconds(60));
            second.awaitRunning(Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> !first.heldShards().isEmpty()
                            && !second.heldShards().isEmpty()
                            && first.heldShards().size() + second.heldShards().size() == SHARDS
                            && first.activeSubscriptions() + second.activeSubscriptions() == total);

            // When the sample papers are published
            SampleAlerts.publish(kafka);

            // Then each recipient gets one alert per paper, naming the same subscriptions as one
            // matcher of all of them
            assertThat(described(readAlerts())).containsExactlyInAnyOrderElementsOf(expected);
            // And each instance held only its shards: neither matched every subscription
            assertThat(first.heldShards()).doesNotContainAnyElementsOf(second.heldShards());
            assertThat(List.of(first.activeSubscriptions(), second.activeSubscriptions()))
                    .allSatisfy(held -> assertThat(held).isPositive().isLessThan(total));

            // And when a third instance, a process of its own, joins while more papers flow, and
            // is killed (SIGKILL) and started again at once, as a supervisor would
            List<Paper> more = SampleAlerts.papers().stream()
                    .map(p -> Paper.newBuilder(p).setId(p.getId() + "-b").build())
                    .toList();
            JavaProcess third = new JavaProcess(
                    "streams-third",
                    stateDirs.resolve("third.log"),
                    List.of("-Xmx256m"),
                    StreamsInstanceProcess.class.getName(),
                    List.of(
                            kafka.bootstrapServers(),
                            stateDirs.resolve("third").toString(),
                            String.valueOf(SHARDS),
                            "streams-third"));
            // One paper every 40 ms; the 41st waits until the third instance runs, so papers keep
            // arriving through its join and its kill.
            AtomicInteger sent = new AtomicInteger();
            AtomicBoolean joined = new AtomicBoolean();
            ScheduledExecutorService source = Executors.newSingleThreadScheduledExecutor();
            try {
                source.scheduleAtFixedRate(
                        () -> {
                            int next = sent.get();
                            if (next < more.size() && (next < 40 || joined.get())) {
                                kafka.produce(Topics.PAPERS, more.get(next).getId(), more.get(next));
                                sent.incrementAndGet();
                            }
                        },
                        0,
                        40,
                        TimeUnit.MILLISECONDS);
                await("10 papers sent").atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= 10);
                third.start();
                awaitRunning(third);
                joined.set(true);
                await("50 papers sent").atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= 50);
                third.kill();
                third.start();
                await("every paper sent").atMost(Duration.ofSeconds(30)).until(() -> sent.get() == more.size());
                awaitRunning(third);

                // Then every recipient gets each of the new papers' alerts once, and nothing else
                List<String> all = new ArrayList<>(expected);
                all.addAll(expectedAlerts(subscriptions, more));
                assertThat(described(readAlerts())).containsExactlyInAnyOrderElementsOf(all);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\n" + third.tail(40), e);
            } finally {
                source.shutdownNow();
                third.stop(Duration.ofSeconds(10));
            }
        }
    }
}
