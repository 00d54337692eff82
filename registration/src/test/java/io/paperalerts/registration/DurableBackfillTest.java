package io.paperalerts.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.streams.backfill.Backfill;
import io.paperalerts.streams.backfill.BackfillRequests;
import io.paperalerts.testing.RealKafka;
import io.paperalerts.testing.RealSmtp;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backfill a confirmation asks for survives the service dying before it ran, and running it
 * twice (a commit lost in a crash) sends nothing twice.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DurableBackfillTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    @RegisterExtension
    static final RealSmtp smtp = new RealSmtp();

    @TempDir
    Path notifierState;

    @TempDir
    Path streamsState;

    @Test
    void shouldDeliverTheBackfillOfAConfirmationOnceThoughTheServiceDiedBeforeItRan() throws Exception {
        // Given two matching papers, and a confirmation whose backfill request was written just
        // before the service was killed (nothing worked through it yet)
        kafka.produce(Topics.PAPERS, "dq-1", RegistrationHarness.paper("dq-1", "Quasar spectra"));
        kafka.produce(Topics.PAPERS, "dq-2", RegistrationHarness.paper("dq-2", "Quasar variability"));
        Subscription confirmed = request("s-durable", "durable@example.org");
        kafka.produce(Topics.SUBSCRIPTIONS, confirmed.getId(), confirmed);
        kafka.produce(Topics.BACKFILL_REQUESTS, confirmed.getId(), confirmed);
        KafkaClients bootstrap = kafka.clients();
        Backfill backfill = new Backfill(bootstrap, 50, Clock.systemUTC());

        // (the streams service forwards a backfill's digest to the notifier, in its reader's order; its
        // digest clock stands still, so the live matches of the same papers send nothing meanwhile)
        try (var streams = new AlertStreamsService(
                                new StreamsServiceConfig(Map.of(
                                        CommonConfig.BOOTSTRAP_SERVERS,
                                        kafka.bootstrapServers(),
                                        StreamsServiceConfig.STATE_DIR,
                                        streamsState.toString())),
                                Clock.fixed(Instant.now(), ZoneOffset.UTC))
                        .start();
                var notifier = new AlertNotifier(
                                new NotifierConfig(Map.of(
                                        CommonConfig.BOOTSTRAP_SERVERS,
                                        kafka.bootstrapServers(),
                                        MailConfig.SMTP_HOST,
                                        smtp.host(),
                                        MailConfig.SMTP_PORT,
                                        smtp.port(),
                                        NotifierConfig.STATE_DIR,
                                        notifierState.toString())),
                                new AlertNotifier.Listener() {})
                        .start()) {
            streams.awaitRunning(Duration.ofSeconds(60));
            // When the service is back and works through the requests
            try (var restarted = new BackfillRequests(bootstrap, "backfills", backfill).start()) {
                // Then the backfill arrives, as one email with both papers
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> smtp.messagesTo("durable@example.org").size() == 1);
                assertThat(smtp.messagesTo("durable@example.org")
                                .get(0)
                                .getHeader("X-Paper-Ids")[0]
                                .split(" "))
                        .containsExactlyInAnyOrder("dq-1", "dq-2");
                await().atMost(Duration.ofSeconds(30)).until(() -> restarted.done() == 1);
            }

            // And when the same request is worked through again (its commit lost in another crash)
            long skipped = notifier.alreadyDelivered();
            try (var again = new BackfillRequests(bootstrap, "backfills-after-a-lost-commit", backfill).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> again.done() == 1);
                // Then the notifier sees the same digest and leaves out both papers: nothing is sent twice
                await().atMost(Duration.ofSeconds(30)).until(() -> notifier.alreadyDelivered() == skipped + 2);
            }
            assertThat(smtp.messagesTo("durable@example.org")).hasSize(1);
        }
    }

    @Test
    void shouldShowAKilledBackfillWorkerAsNotReadyWithinFiveSecondsAndWorkAgainAfterItsRestart() throws Exception {
        // Given the backfill requests worker, working through requests (those it sees, it skips)
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Backfill backfill = new Backfill(kafka.clients(), 50, Clock.systemUTC());
        try (var requests = new BackfillRequests(kafka.clients(), "backfills-supervised", backfill, id -> {
                    seen.add(id);
                    return false;
                })
                .start()) {
            kafka.produce(
                    Topics.BACKFILL_REQUESTS, "before-the-kill", request("before-the-kill", "before@example.org"));
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.contains("before-the-kill"));
            assertThat(requests.worker().health().ready().ok()).isTrue();

            // When its thread is killed (interrupted in the middle of its consumer's poll)
            Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("backfill-requests"))
                    .forEach(Thread::interrupt);

            // Then the service is not ready within 5 s, saying which worker
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !requests.worker().health().ready().ok());
            assertThat(requests.worker().health().ready().reason()).contains("backfill-requests");
            // And it is restarted, ready again, and works through a request sent after the kill
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> requests.worker().health().ready().ok());
            kafka.produce(Topics.BACKFILL_REQUESTS, "after-the-kill", request("after-the-kill", "after@example.org"));
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.contains("after-the-kill"));
            assertThat(requests.worker().restarts()).isEqualTo(1);
            assertThat(requests.worker().gaveUp()).isNotDone();
        }
    }

    /** A confirmed subscription asking for a day of backfill, as a confirmation writes it. */
    private static Subscription request(String id, String email) {
        return Subscription.newBuilder()
                .setId(id)
                .setEmail(email)
                .setQuery("quasar")
                .setDelivery(DeliveryMode.INSTANT)
                .setBackfillDays(1)
                .setStatus(SubscriptionStatus.ACTIVE)
                .setCreated(Instant.now())
                .setConfirmed(Instant.now())
                .build();
    }
}
