package io.paperalerts.streams;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.claims.PaperClaims;
import io.paperalerts.topics.Topic;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

public final class TestData {

    private TestData() {}

    /** What a test writes into a catalogue topic, with the topic's own serdes. */
    static <K, V> TestInputTopic<K, V> input(TopologyTestDriver driver, Topic<K, V> topic) {
        return driver.createInputTopic(
                topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** What a test reads from a catalogue topic, with the topic's own serdes. */
    static <K, V> TestOutputTopic<K, V> output(TopologyTestDriver driver, Topic<K, V> topic) {
        return driver.createOutputTopic(
                topic.name(),
                topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
    }

    public static Subscription subscription(String id, String email, String query, SubscriptionStatus status) {
        return Subscription.newBuilder()
                .setId(id)
                .setEmail(email)
                .setQuery(query)
                .setDelivery(DeliveryMode.INSTANT)
                .setStatus(status)
                .setCreated(Instant.parse("2026-01-01T00:00:00Z"))
                .build();
    }

    public static Subscription active(String id, String email, String query) {
        return subscription(id, email, query, SubscriptionStatus.ACTIVE);
    }

    /** A live alert with the whole paper, as a matcher of any version makes it. */
    static Alert alert(String recipient, String subscriptionId, Paper paper, Instant matchedAt) {
        return Alert.newBuilder()
                .setRecipient(recipient)
                .setSubscriptionIds(List.of(subscriptionId))
                .setPaper(paper)
                .setReasons(List.of(MatchReason.newBuilder()
                        .setSubscriptionId(subscriptionId)
                        .setQuery("reward")
                        .build()))
                .setMatchedAt(matchedAt)
                .setKind(AlertKind.LIVE)
                .build();
    }

    /** The alert as the streams service writes it now: its paper by reference ({@link PaperClaims}). */
    static Alert byReference(Alert alert) {
        Alert lean = MatchAlerts.copyOf(alert);
        lean.setPaper(PaperClaims.reference(alert.getPaper()));
        lean.setPaperByReference(true);
        return lean;
    }

    static Paper paper(String id, String title, String abstractText) {
        return Paper.newBuilder()
                .setId(id)
                .setTitle(title)
                .setAbstractText(abstractText)
                .setAuthors(List.of("A. Researcher"))
                .setCategories(List.of("cs.LG"))
                .setSource("test")
                .build();
    }
}
