package io.paperalerts.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.mail.AddressHash;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.mail.MailConnection;
import io.paperalerts.operations.Backoff;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Recommendation;
import io.paperalerts.testing.TestDigests;
import io.paperalerts.time.MovableClock;
import io.paperalerts.topics.Topics;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The notifier's delivery rules on a fake clock, a fake SMTP connection and a fake delivery record:
 * no broker, no server, no waiting. End to end (real broker, real SMTP) they are tested by
 * {@code AlertNotifierIntegrationTest}.
 */
@Timeout(10)
class DigestDeliveryTest {

    private static final String ADA = "ada@example.org";
    private static final Instant START = Instant.parse("2026-12-07T09:00:00Z");

    private final MovableClock clock = MovableClock.at(START);
    private final FakeConnection smtp = new FakeConnection();
    private final FakeDeliveryLog deliveries = new FakeDeliveryLog();
    private final List<ProducerRecord<byte[], byte[]>> moved = new ArrayList<>();
    private final NotifierMetrics metrics = new NotifierMetrics();
    /** Retries after 1 min, doubling to 8 min; the fourth attempt gives up; jitter at its middle. */
    private final NotifierFailurePolicy policy =
            new NotifierFailurePolicy(new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(8)), 4, clock, () -> 0.5);

    private final DigestDelivery delivery = new DigestDelivery(
            new AlertMailer("alerts@example.org"),
            deliveries,
            (record, position) -> moved.add(record),
            policy,
            new AddressHash("test-secret-of-32-bytes-or-more!".getBytes(StandardCharsets.UTF_8)),
            metrics,
            new AlertNotifier.Listener() {});
    private final ParkedDigests parked = new ParkedDigests(policy);

    @Test
    void shouldSendADigestAndRecordItsPapersForItsRecipient() {
        // Given a digest of two papers
        var record = digestRecord(0, digest("2601.00001", "2601.00002"));

        // When it is delivered
        var outcome = delivery.deliver(record, smtp);

        // Then one email went out and both papers are recorded as delivered to Ada
        assertThat(outcome).isEqualTo(DigestDelivery.Outcome.DONE);
        assertThat(smtp.sent).hasSize(1);
        assertThat(deliveries.delivered).containsExactlyInAnyOrder(ADA + " 2601.00001", ADA + " 2601.00002");
        assertThat(metrics.emails).hasValue(1);
    }

    @Test
    void shouldLeaveOutPapersAlreadyDeliveredAndSendNothingWhenNoneIsLeft() {
        // Given Ada already got one of two papers
        deliveries.delivered.add(ADA + " 2601.00001");

        // When a digest of both, then a digest of that one only, are delivered
        delivery.deliver(digestRecord(0, digest("2601.00001", "2601.00002")), smtp);
        delivery.deliver(digestRecord(1, digest("2601.00001")), smtp);

        // Then one email with the other paper went out, and the second digest sent nothing
        assertThat(smtp.sent).hasSize(1);
        assertThat(metrics.alreadyDelivered).hasValue(2);
    }

    @Test
    void shouldRecordRecommendedPapersAndNeverRecommendADeliveredOneAgain() throws Exception {
        // Given Ada already got one paper, and a digest recommends it and another
        deliveries.delivered.add(ADA + " 2601.00009");
        Digest digest = digest("2601.00001");
        digest.setRecommended(List.of(
                new Recommendation(TestDigests.paper("2601.00009", "Paper seen"), "Liked"),
                new Recommendation(TestDigests.paper("2601.00010", "Paper new"), "Liked")));

        // When it is delivered
        delivery.deliver(digestRecord(0, digest), smtp);

        // Then the email recommends the new one only, and records it with the match
        assertThat(smtp.sent)
                .singleElement()
                .satisfies(m -> assertThat(m.getHeader("X-Paper-Ids")[0]).isEqualTo("2601.00001"));
        String text =
                (String) ((jakarta.mail.internet.MimeMultipart) smtp.sent.get(0).getContent())
                        .getBodyPart(0)
                        .getContent();
        assertThat(text).contains("Paper new").doesNotContain("Paper seen");
        assertThat(deliveries.delivered)
                .containsExactlyInAnyOrder(ADA + " 2601.00009", ADA + " 2601.00001", ADA + " 2601.00010");
    }

    @Test
    void shouldParkA4xxRefusalUntilTheBackoffHasPassedOnTheClock() {
        // Given Ada's server refuses the message for now
        smtp.failNext(new SMTPSendFailedException("DATA", 451, "451 4.3.0 Try again later", null, null, null, null));

        // When her digest is delivered
        var outcome = delivery.deliver(digestRecord(0, digest("2601.00001")), smtp);

        // Then it is parked on digests.retry as attempt 1, due one minute later on the clock
        assertThat(outcome).isEqualTo(DigestDelivery.Outcome.DONE);
        assertThat(moved).hasSize(1);
        ProducerRecord<byte[], byte[]> retry = moved.get(0);
        assertThat(retry.topic()).isEqualTo(Topics.DIGESTS_RETRY.name());
        assertThat(header(retry, DigestDelivery.ATTEMPT_HEADER)).isEqualTo("1");
        assertThat(header(retry, DigestDelivery.NOT_BEFORE_HEADER))
                .isEqualTo(String.valueOf(START.plus(Duration.ofMinutes(1)).toEpochMilli()));
        assertThat(header(retry, DigestDelivery.REASON_HEADER)).contains("451 4.3.0 Try again later");
        assertThat(deliveries.delivered).isEmpty();
    }

    @Test
    void shouldKeepAParkedDigestAsideUntilItsTimeThenSendIt() {
        // Given a digest parked until a minute from now, read back from digests.retry
        var parkedRecord = retryRecord(7, digest("2601.00001"), 1, START.plus(Duration.ofMinutes(1)));
        TopicPartition partition = new TopicPartition(Topics.DIGESTS_RETRY.name(), 0);

        // When it is read before its time
        boolean aside = parked.setAsideIfNotDue(partition, parkedRecord);

        // Then it waits aside, the partition's commit stays before it, and nothing is due yet
        assertThat(aside).isTrue();
        assertThat(parked.committable(partition, 8)).isEqualTo(7);
        assertThat(parked.due()).isEmpty();

        // And when the clock passes its time, it is due, and sent
        clock.advance(Duration.ofSeconds(61));
        assertThat(parked.due()).containsExactly(parkedRecord);
        assertThat(delivery.deliver(parkedRecord, smtp)).isEqualTo(DigestDelivery.Outcome.DONE);
        parked.done(parkedRecord);
        assertThat(smtp.sent).hasSize(1);
        assertThat(parked.committable(partition, 8)).isEqualTo(8);
    }

    @Test
    void shouldDoubleTheWaitOfEachParkingAndGiveUpAtTheLastAttempt() {
        // Given a digest already parked three times (the fourth attempt is the last)
        smtp.failNext(new SMTPSendFailedException("RCPT", 452, "452 4.2.2 Mailbox full", null, null, null, null));
        smtp.failNext(new SMTPSendFailedException("RCPT", 452, "452 4.2.2 Mailbox full", null, null, null, null));

        // When its second attempt is refused, then its fourth
        delivery.deliver(retryRecord(0, digest("2601.00001"), 1, START), smtp);
        delivery.deliver(retryRecord(1, digest("2601.00001"), 3, START), smtp);

        // Then the second waits two minutes, and the fourth goes to deliveries.failed with why
        assertThat(header(moved.get(0), DigestDelivery.ATTEMPT_HEADER)).isEqualTo("2");
        assertThat(header(moved.get(0), DigestDelivery.NOT_BEFORE_HEADER))
                .isEqualTo(String.valueOf(START.plus(Duration.ofMinutes(2)).toEpochMilli()));
        assertThat(moved.get(1).topic()).isEqualTo(Topics.DELIVERIES_FAILED.name());
        assertThat(header(moved.get(1), DeadLetters.REASON))
                .startsWith("Gave up after 4 attempts: SMTP 452 4.2.2 Mailbox full");
        assertThat(metrics.gaveUp).hasValue(1);
    }

    @Test
    void shouldGiveUpAtOnceOnA5xxRefusal() {
        // Given Ada's address does not exist
        smtp.failNext(new SMTPSendFailedException("RCPT", 550, "550 5.1.1 No such user", null, null, null, null));

        // When her digest is delivered
        delivery.deliver(digestRecord(0, digest("2601.00001")), smtp);

        // Then it goes to deliveries.failed at once, and nothing is parked
        assertThat(moved).extracting(ProducerRecord::topic).containsExactly(Topics.DELIVERIES_FAILED.name());
        assertThat(metrics.parked).hasValue(0);
    }

    @Test
    void shouldWaitForAnUnreachableServerWithAJitteredDoublingBackoff() {
        // Given the server cannot be reached
        smtp.failNext(new MessagingException("Connection refused", new ConnectException("refused")));

        // When a digest is delivered
        var outcome = delivery.deliver(digestRecord(0, digest("2601.00001")), smtp);

        // Then everything waits: nothing moved, the connection dropped, readiness says why
        assertThat(outcome).isEqualTo(DigestDelivery.Outcome.WAIT_FOR_SERVER);
        assertThat(moved).isEmpty();
        assertThat(smtp.resets).isEqualTo(1);
        assertThat(delivery.smtpUnreachable()).contains("Connection refused");
        // And the waits double, each between half and all of its step (here its middle), up to the maximum
        assertThat(policy.serverWait(1)).isEqualTo(Duration.ofSeconds(45));
        assertThat(policy.serverWait(2)).isEqualTo(Duration.ofSeconds(90));
        assertThat(policy.serverWait(10)).isEqualTo(Duration.ofMinutes(6));
        // And the next successful send says it is reachable again
        delivery.deliver(digestRecord(1, digest("2601.00001")), smtp);
        assertThat(delivery.smtpUnreachable()).isNull();
    }

    @Test
    void shouldNotSendADigestMadeBeforeItsRecipientWasForgotten() {
        // Given Ada was forgotten after her digest's period ended
        var forget = new ConsumerRecord<String, byte[]>(Topics.DIGESTS.name(), 0, 0, ADA, null);
        String forgottenAt =
                String.valueOf(Instant.parse("2026-11-29T00:00:00Z").toEpochMilli());
        forget.headers().add(Topics.FORGET_HEADER, forgottenAt.getBytes(StandardCharsets.UTF_8));
        delivery.deliver(forget, smtp);

        // When a digest of before then arrives (parked, or replayed)
        var outcome = delivery.deliver(digestRecord(1, digest("2601.00001")), smtp);

        // Then it is not sent
        assertThat(deliveries.forgotten).containsKey(ADA);
        assertThat(outcome).isEqualTo(DigestDelivery.Outcome.DONE);
        assertThat(smtp.sent).isEmpty();
    }

    @Test
    void shouldDeadLetterARecordThatIsNotADigest() {
        // When a record that is not Avro is delivered
        delivery.deliver(new ConsumerRecord<>(Topics.DIGESTS.name(), 0, 3, ADA, new byte[] {1, 2, 3}), smtp);

        // Then it is dead-lettered, and nothing is sent
        assertThat(moved).extracting(ProducerRecord::topic).containsExactly(Topics.DEAD_LETTERS.name());
        assertThat(smtp.sent).isEmpty();
    }

    private static Digest digest(String... paperIds) {
        return TestDigests.instant(Arrays.stream(paperIds)
                .map(id -> TestDigests.alert(ADA, TestDigests.paper(id, "Paper " + id)))
                .toArray(Alert[]::new));
    }

    private static ConsumerRecord<String, byte[]> digestRecord(long offset, Digest digest) {
        return new ConsumerRecord<>(Topics.DIGESTS.name(), 0, offset, ADA, serialize(digest));
    }

    private static ConsumerRecord<String, byte[]> retryRecord(long offset, Digest digest, int attempt, Instant due) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DigestDelivery.ATTEMPT_HEADER, String.valueOf(attempt).getBytes(StandardCharsets.UTF_8));
        headers.add(
                DigestDelivery.NOT_BEFORE_HEADER,
                String.valueOf(due.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        byte[] value = serialize(digest);
        return new ConsumerRecord<>(
                Topics.DIGESTS_RETRY.name(),
                0,
                offset,
                0L,
                TimestampType.CREATE_TIME,
                ADA.length(),
                value.length,
                ADA,
                value,
                headers,
                Optional.empty());
    }

    private static byte[] serialize(Digest digest) {
        return Topics.DIGESTS.valueSerde().serializer().serialize(Topics.DIGESTS.name(), digest);
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** Accepts every message unless told to fail the next ones. */
    private static final class FakeConnection implements MailConnection {
        final Session session = Session.getInstance(new Properties());
        final List<MimeMessage> sent = new ArrayList<>();
        final Deque<MessagingException> failures = new ArrayDeque<>();
        int resets;

        void failNext(MessagingException failure) {
            failures.add(failure);
        }

        @Override
        public Session session() {
            return session;
        }

        @Override
        public void send(MimeMessage message) throws MessagingException {
            MessagingException failure = failures.poll();
            if (failure != null) {
                throw failure;
            }
            sent.add(message);
        }

        @Override
        public void reset() {
            resets++;
        }
    }

    private static final class FakeDeliveryLog implements DeliveryLog {
        final Set<String> delivered = new HashSet<>();
        final Map<String, Instant> forgotten = new HashMap<>();

        @Override
        public boolean contains(String recipient, String paperId) {
            return delivered.contains(recipient + " " + paperId);
        }

        @Override
        public void record(String recipient, List<String> paperIds, String messageId) {
            paperIds.forEach(id -> delivered.add(recipient + " " + id));
        }

        @Override
        public int forget(String recipient, Instant at) {
            int before = delivered.size();
            delivered.removeIf(pair -> pair.startsWith(recipient + " "));
            forgotten.put(recipient, at);
            return before - delivered.size();
        }

        @Override
        public Optional<Instant> forgottenAt(String recipient) {
            return Optional.ofNullable(forgotten.get(recipient));
        }
    }
}
