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
import io.paperalerts.schemas.Subscription;
import io.paperalerts.streams.digest.DigestPolicy;
import io.paperalerts.streams.erasure.RecipientErasure;
import io.paperalerts.time.MovableClock;
import io.paperalerts.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forget request erases its address from every store of the alerts' task (open digests, recent
 * sends, archive), tells the notifier, and tombstones itself; another recipient's data stays, and
 * alerts of the address read again later (a replay) bring nothing back.
 */
@Timeout(60)
class RecipientErasureTopologyTest {

    private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
    private static final String FORGOTTEN = "ada@example.org";
    private static final String KEPT = "bob@example.org";

    @TempDir
    Path stateDir;

    private final MovableClock clock = MovableClock.at(START);
    private TopologyTestDriver driver;
    private TestInputTopic<String, Subscription> subscriptions;
    private TestOutputTopic<String, Alert> alertsOut;
    private TestInputTopic<String, Alert> alertsIn;
    private TestInputTopic<String, String> forgetRequests;
    private TestOutputTopic<String, String> forgetTombstones;
    private TestOutputTopic<String, Digest> digests;

    @BeforeEach
    void start() {
        var policy = new DigestPolicy(Duration.ofMinutes(1), 8, DayOfWeek.MONDAY, 50, 10, Duration.ofSeconds(1), clock);
        var props = new StreamsServiceConfig(Map.of(StreamsServiceConfig.STATE_DIR, stateDir.toString()))
                .streamsProperties();
        driver = new TopologyTestDriver(AlertTopology.build(new SubscriptionMatcher(), false, policy), props, START);
        subscriptions = input(driver, Topics.SUBSCRIPTIONS);
        alertsOut = output(driver, Topics.ALERTS);
        alertsIn = input(driver, Topics.ALERTS);
        forgetRequests = input(driver, Topics.FORGET_REQUESTS);
        forgetTombstones = output(driver, Topics.FORGET_REQUESTS);
        digests = output(driver, Topics.DIGESTS);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private static Subscription daily(String id, String email) {
        Subscription s = active(id, email, "reward");
        s.setDelivery(DeliveryMode.DAILY);
        s.setArchiveToken("archive-token-of-" + id);
        return s;
    }

    /** Every entry of every store of the alerts' task whose key or value mentions the text. */
    private List<String> entriesMentioning(String text) {
        List<String> found = new ArrayList<>();
        for (String store : RecipientErasure.STORES) {
            try (var all = driver.getKeyValueStore(store).all()) {
                all.forEachRemaining(entry -> {
                    if (String.valueOf(entry.key).contains(text)
                            || String.valueOf(entry.value).contains(text)) {
                        found.add(store + ": " + entry.key);
                    }
                });
            }
        }
        return found;
    }

    @Test
    void shouldEraseAnAddressFromEveryStoreAndKeepTheOtherRecipients() {
        // Given two recipients with a daily digest pending and archived matches
        subscriptions.pipeInput("s-ada", daily("s-ada", FORGOTTEN));
        subscriptions.pipeInput("s-bob", daily("s-bob", KEPT));
        input(driver, Topics.PAPERS).pipeInput("p1", paper("p1", "Reward models", ""));
        List<KeyValue<String, Alert>> alerted = alertsOut.readKeyValuesToList();
        assertThat(alerted).extracting(kv -> kv.key).containsExactlyInAnyOrder(FORGOTTEN, KEPT);
        assertThat(entriesMentioning(FORGOTTEN)).isNotEmpty();
        // And no store of the task holds an archive token: only the digest that goes out carries one
        assertThat(entriesMentioning("archive-token-of-s-ada")).isEmpty();

        // When its subscription is removed and the address forgotten
        subscriptions.pipeInput("s-ada", (Subscription) null);
        forgetRequests.pipeInput(FORGOTTEN, String.valueOf(START.toEpochMilli()));

        // Then no store holds the address
        assertThat(entriesMentioning(FORGOTTEN)).isEmpty();
        // And the notifier is told, then the request is tombstoned for compaction to remove it
        List<TestRecord<String, Digest>> told = digests.readRecordsToList();
        assertThat(told).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(FORGOTTEN);
            assertThat(record.value()).isNull();
            assertThat(new String(
                            record.headers().lastHeader(Topics.FORGET_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo(String.valueOf(START.toEpochMilli()));
        });
        assertThat(forgetTombstones.readKeyValuesToList()).containsExactly(new KeyValue<>(FORGOTTEN, null));

        // And the other recipient's archive and digest stay: at the daily hour only its digest goes out
        assertThat(entriesMentioning(KEPT)).isNotEmpty();
        // When the forgotten address's alert is read again (a replay of alerts)
        alertsIn.pipeInput(
                FORGOTTEN,
                alerted.stream()
                        .filter(kv -> kv.key.equals(FORGOTTEN))
                        .findFirst()
                        .orElseThrow()
                        .value);
        assertThat(entriesMentioning(FORGOTTEN)).isEmpty();
        clock.advance(Duration.ofDays(1));
        driver.advanceWallClockTime(Duration.ofDays(1));
        assertThat(digests.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly(KEPT);
    }
}
