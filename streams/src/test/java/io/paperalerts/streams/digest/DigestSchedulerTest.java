package io.paperalerts.streams.digest;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.archive.ArchiveWriter;
import io.paperalerts.time.MovableClock;
import io.paperalerts.topics.Topics;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The due-digest check on its own, its punctuations called by hand. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DigestSchedulerTest {

    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
    private static final String SUBSCRIPTIONS = "subscriptions";
    private static final String PAPERS = "papers";
    private static final List<String> RECIPIENTS = List.of("ada@example.org", "alan@example.org", "grace@example.org");

    private final MovableClock clock = MovableClock.at(START);
    private final DigestPolicy policy =
            new DigestPolicy(Duration.ofMinutes(1), 8, DayOfWeek.MONDAY, 50, 10, Duration.ofSeconds(1), clock);
    private final MockProcessorContext<String, Digest> context = new MockProcessorContext<>();

    @Test
    void shouldLeaveWhatACheckHadNoTimeForToTheNextCheckMomentsLater() {
        // Given three recipients' instant digests, due together, and checks with no time to spare
        threeDigestsDue(Duration.ZERO);

        // When the check runs, it sends one and leaves the others
        check();
        assertThat(context.forwarded()).hasSize(1);

        // Then the short punctuation, moments later, goes on where it stopped, one digest each time
        recheck();
        assertThat(context.forwarded()).hasSize(2);
        recheck();
        assertThat(context.forwarded()).hasSize(3);
        assertThat(context.forwarded())
                .extracting(f -> f.record().value().getRecipient())
                .containsExactlyInAnyOrderElementsOf(RECIPIENTS);

        // And with nothing left, a further check sends nothing more (the positive control: three arrived)
        recheck();
        check();
        assertThat(context.forwarded()).hasSize(3);
    }

    @Test
    void shouldSendEveryDueDigestInOneCheckWithinItsBudget() {
        threeDigestsDue(DigestScheduler.CHECK_BUDGET);

        check();

        assertThat(context.forwarded()).hasSize(3);
    }

    /** A scheduler whose checks may emit for {@code budget}, and an instant digest of each of three recipients due. */
    private void threeDigestsDue(Duration budget) {
        DigestScheduler scheduler = scheduler(budget);
        for (String recipient : RECIPIENTS) {
            scheduler.process(new Record<>(recipient, alert(recipient), START.toEpochMilli()));
        }
        clock.advance(Duration.ofMinutes(2));
    }

    private DigestScheduler scheduler(Duration budget) {
        store(SUBSCRIPTIONS, Topics.SUBSCRIPTIONS.valueSerde());
        store(PAPERS, Topics.PAPERS.valueSerde());
        store(DigestScheduler.BUFFERS_STORE, Topics.DIGESTS.valueSerde());
        store(DigestScheduler.BUFFERED_ALERTS_STORE, Topics.ALERTS.valueSerde());
        store(ArchiveWriter.STORE, Topics.ALERTS.valueSerde());
        store(DigestScheduler.BUFFER_SIZES_STORE, longs());
        store(DigestScheduler.DUE_STORE, Serdes.String());
        store(DigestScheduler.SENT_STORE, longs());
        KeyValueStore<String, Subscription> subscriptions = context.getStateStore(SUBSCRIPTIONS);
        for (String recipient : RECIPIENTS) {
            subscriptions.put("s-" + recipient, subscription(recipient));
        }
        DigestScheduler scheduler = new DigestScheduler(policy, SUBSCRIPTIONS, PAPERS, new LongAdder(), budget, false);
        scheduler.init(context);
        return scheduler;
    }

    /** The check at its interval (the first punctuation scheduled). */
    private void check() {
        context.setCurrentSystemTimeMs(clock.millis());
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(clock.millis());
    }

    /** The short punctuation, as the wall clock moves on by its interval. */
    private void recheck() {
        clock.advance(DigestScheduler.RECHECK);
        context.setCurrentSystemTimeMs(clock.millis());
        context.scheduledPunctuators().get(1).getPunctuator().punctuate(clock.millis());
    }

    private <V> void store(String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serde<List<Long>> longs() {
        Serde raw = Serdes.ListSerde(ArrayList.class, Serdes.Long());
        return raw;
    }

    private static Subscription subscription(String recipient) {
        return Subscription.newBuilder()
                .setId("s-" + recipient)
                .setEmail(recipient)
                .setQuery("reward")
                .setDelivery(DeliveryMode.INSTANT)
                .setStatus(SubscriptionStatus.ACTIVE)
                .setCreated(START)
                .build();
    }

    private static Alert alert(String recipient) {
        return Alert.newBuilder()
                .setRecipient(recipient)
                .setSubscriptionIds(List.of("s-" + recipient))
                .setPaper(Paper.newBuilder()
                        .setId("p1")
                        .setTitle("Reward hacking")
                        .setSource("test")
                        .build())
                .setReasons(List.of(MatchReason.newBuilder()
                        .setSubscriptionId("s-" + recipient)
                        .setQuery("reward")
                        .build()))
                .setMatchedAt(START)
                .setKind(AlertKind.LIVE)
                .build();
    }
}
