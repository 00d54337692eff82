package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code backfill --days N} selects papers by their own date, not by when they were ingested. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BackfillByPaperDateTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @Test
    void shouldLeaveOutPapersPublishedBeforeThePeriodThoughIngestedToday() {
        // Given papers ingested just now: history published 30 days ago, and one published 2 days ago
        Instant now = Instant.now();
        publish("2610.00001", "Zeolite catalysis in the old days", now.minus(Duration.ofDays(30)));
        publish("2610.00002", "Zeolite catalysis revisited", now.minus(Duration.ofDays(31)));
        publish("2611.00003", "Zeolite catalysis this week", now.minus(Duration.ofDays(2)));
        kafka.produce(
                Topics.SUBSCRIPTIONS,
                "bd-1",
                Subscription.newBuilder()
                        .setId("bd-1")
                        .setEmail("historian@example.org")
                        .setQuery("zeolite")
                        .setDelivery(DeliveryMode.DAILY)
                        .setStatus(SubscriptionStatus.ACTIVE)
                        .setCreated(now)
                        .build());

        // When the last 7 days are backfilled
        Cli run = Cli.run(
                "backfill", "--subscription", "bd-1", "--days", "7", "--bootstrap-servers", kafka.bootstrapServers());

        // Then only the paper of this week is sent (the positive control), none of the history
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 papers read", "1 matching");
        var digests = kafka.readToEnd(Topics.DIGESTS_BACKFILL);
        assertThat(digests).hasSize(1);
        Digest digest = digests.get(0).value();
        assertThat(digest.getAlerts()).extracting(a -> a.getPaper().getId()).containsExactly("2611.00003");
        assertThat(digests).extracting(ConsumerRecord::key).containsExactly("historian@example.org");
    }

    private static void publish(String id, String title, Instant published) {
        kafka.produce(
                Topics.PAPERS,
                id,
                Paper.newBuilder()
                        .setId(id)
                        .setTitle(title)
                        .setAbstractText("")
                        .setPublished(published)
                        .setSource("test")
                        .build());
    }
}
