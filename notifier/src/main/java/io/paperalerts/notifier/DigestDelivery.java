package io.paperalerts.notifier;

import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.mail.AddressHash;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.mail.MailConnection;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Recommendation;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.Topics;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Delivers one digests record: leaves out the papers its recipient already got, sends the rest as
 * one email, records them, and on failure does what the {@link NotifierFailurePolicy} decides
 * (parks the digest on {@code digests.retry}, moves it to {@code deliveries.failed}, or tells the
 * loop to wait for the server). A record without a value forgets its recipient. Knows nothing of
 * consumers and offsets: the {@link AlertNotifier}'s loop commits after it returns.
 */
final class DigestDelivery {

    /** What the loop does next. */
    enum Outcome {
        /** Handled (sent, left out, parked or given up): the offset may be committed. */
        DONE,
        /** The server cannot be reached: everything waits and this record is read again. */
        WAIT_FOR_SERVER
    }

    /** Writes a record to a topic before the offset that it replaces is committed. */
    @FunctionalInterface
    interface Outbox {
        void sendNow(ProducerRecord<byte[], byte[]> record, String position);
    }

    static final String ATTEMPT_HEADER = "paper-alerts.retry.attempt";
    static final String NOT_BEFORE_HEADER = "paper-alerts.retry.not-before";
    static final String REASON_HEADER = "paper-alerts.retry.reason";
    private static final Logger log = LoggerFactory.getLogger(DigestDelivery.class);

    private final AlertMailer mailer;
    private final DeliveryLog deliveries;
    private final Outbox outbox;
    private final NotifierFailurePolicy policy;
    private final AddressHash addressHash;
    private final NotifierMetrics metrics;
    private final AlertNotifier.Listener listener;
    /** Null while the SMTP server answers; else why it cannot be reached. */
    private volatile String smtpUnreachable;

    DigestDelivery(
            AlertMailer mailer,
            DeliveryLog deliveries,
            Outbox outbox,
            NotifierFailurePolicy policy,
            AddressHash addressHash,
            NotifierMetrics metrics,
            AlertNotifier.Listener listener) {
        this.mailer = mailer;
        this.deliveries = deliveries;
        this.outbox = outbox;
        this.policy = policy;
        this.addressHash = addressHash;
        this.metrics = metrics;
        this.listener = listener;
    }

    /** Null while the SMTP server answered the last send; else why it could not be reached. */
    String smtpUnreachable() {
        return smtpUnreachable;
    }

    /** When a parked digest may be sent (now for a digest never parked). */
    static Instant notBefore(ConsumerRecord<?, ?> record) {
        return Instant.ofEpochMilli(longHeader(record, NOT_BEFORE_HEADER, 0));
    }

    Outcome deliver(ConsumerRecord<String, byte[]> record, MailConnection connection) {
        // Log lines about this email say whose it is without saying the address (log.format=json: a label).
        MDC.put("recipient.hash", addressHash.of(record.key()));
        try {
            return deliverLogged(record, connection);
        } finally {
            MDC.remove("recipient.hash");
        }
    }

    private Outcome deliverLogged(ConsumerRecord<String, byte[]> record, MailConnection connection) {
        String position = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (record.value() == null) {
            forget(record, position);
            return Outcome.DONE;
        }
        Digest digest;
        try {
            digest = Topics.DIGESTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            giveUp(Topics.DEAD_LETTERS, position, e.getMessage(), record.value());
            return Outcome.DONE;
        }
        Optional<Instant> forgotten = deliveries.forgottenAt(digest.getRecipient());
        if (forgotten.isPresent() && !digest.getPeriodEnd().isAfter(forgotten.get())) {
            // Made before its recipient was forgotten (parked for a retry, or replayed): not theirs any more.
            log.info("Not sending digest {} ({}): its recipient was forgotten", digest.getId(), position);
            return Outcome.DONE;
        }
        List<Alert> fresh = digest.getAlerts().stream()
                .filter(a ->
                        !deliveries.contains(digest.getRecipient(), a.getPaper().getId()))
                .toList();
        metrics.alreadyDelivered.addAndGet(digest.getAlerts().size() - fresh.size());
        if (fresh.isEmpty()) {
            return Outcome.DONE;
        }
        // A paper recommended once is in the record like a match: never emailed twice either.
        List<Recommendation> freshRecommended = digest.getRecommended().stream()
                .filter(r ->
                        !deliveries.contains(digest.getRecipient(), r.getPaper().getId()))
                .toList();
        // A builder copies the whole digest deeply: only when some papers are left out.
        Digest toSend = fresh.size() == digest.getAlerts().size()
                        && freshRecommended.size() == digest.getRecommended().size()
                ? digest
                : Digest.newBuilder(digest)
                        .setAlerts(fresh)
                        .setRecommended(freshRecommended)
                        .build();
        List<String> paperIds = Stream.concat(
                        fresh.stream().map(a -> a.getPaper().getId()),
                        freshRecommended.stream().map(r -> r.getPaper().getId()))
                .toList();
        MimeMessage message;
        try {
            message = mailer.render(connection.session(), toSend);
            long sending = System.nanoTime();
            connection.send(message);
            metrics.smtpSend.record(Duration.ofNanos(System.nanoTime() - sending));
            smtpUnreachable = null;
        } catch (MessagingException | RuntimeException e) {
            return failed(record, position, digest, paperIds, e, connection);
        }
        // Outside the try: if the record cannot be written, the loop stops before committing, and
        // the digest is sent again after a restart rather than mislabelled as undeliverable.
        deliveries.record(digest.getRecipient(), paperIds, AlertMailer.messageId(toSend));
        metrics.emails.incrementAndGet();
        metrics.delivered.addAndGet(fresh.size());
        fresh.stream()
                .map(Alert::getPaperTimestamp)
                .filter(Objects::nonNull)
                .min(Instant::compareTo)
                .ifPresent(oldest -> metrics.endToEnd.record(Duration.between(oldest, policy.now())));
        synchronized (listener) {
            listener.delivered(toSend, message);
        }
        return Outcome.DONE;
    }

    private Outcome failed(
            ConsumerRecord<String, byte[]> record,
            String position,
            Digest digest,
            List<String> paperIds,
            Exception e,
            MailConnection connection) {
        String reply = FailureClassifier.smtpReply(e);
        String failure = reply == null ? e.toString() : "SMTP " + reply;
        String reason = failure + " (to " + digest.getRecipient() + ", papers " + String.join(" ", paperIds) + ")";
        int attempts = (int) longHeader(record, ATTEMPT_HEADER, 0);
        NotifierFailurePolicy.Decision decision = policy.decide(e, attempts, reason);
        if (decision instanceof NotifierFailurePolicy.Park park) {
            park(record, position, reason, park);
        } else if (decision instanceof NotifierFailurePolicy.GiveUp giveUp) {
            giveUp(Topics.DELIVERIES_FAILED, position, giveUp.reason(), record.value());
        } else {
            log.warn("Will retry {}: {}", position, addressHash.redact(reason));
            smtpUnreachable = failure;
            metrics.retries.incrementAndGet();
            connection.reset();
            return Outcome.WAIT_FOR_SERVER;
        }
        return Outcome.DONE;
    }

    /** A digests record without a value: its key was forgotten (said by a header), else nothing to send. */
    private void forget(ConsumerRecord<String, byte[]> record, String position) {
        long at = longHeader(record, Topics.FORGET_HEADER, -1);
        if (record.key() == null || at < 0) {
            log.warn("Skipping {}: a record without a digest", position);
            return;
        }
        int erased = deliveries.forget(record.key(), Instant.ofEpochMilli(at));
        log.info("Forgot a recipient ({}): {} delivered papers erased from the delivery record", position, erased);
    }

    /** Moves a digest its recipient's server refused for now out of the way of the others. */
    private void park(
            ConsumerRecord<String, byte[]> record, String position, String reason, NotifierFailurePolicy.Park park) {
        log.warn(
                "Parking {} until {} (attempt {}): {}",
                position,
                park.notBefore(),
                park.attempt(),
                addressHash.redact(reason));
        var parkedRecord = new ProducerRecord<>(
                Topics.DIGESTS_RETRY.name(),
                null,
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                record.value());
        parkedRecord
                .headers()
                .add(ATTEMPT_HEADER, String.valueOf(park.attempt()).getBytes(StandardCharsets.UTF_8))
                .add(
                        NOT_BEFORE_HEADER,
                        String.valueOf(park.notBefore().toEpochMilli()).getBytes(StandardCharsets.UTF_8))
                .add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        outbox.sendNow(parkedRecord, position);
        metrics.parked.incrementAndGet();
    }

    private void giveUp(Topic<byte[], byte[]> topic, String position, String reason, byte[] payload) {
        log.warn("Giving up {}: {}", position, addressHash.redact(reason));
        outbox.sendNow(DeadLetters.record(topic, "notifier", position, reason, payload), position);
        metrics.gaveUp.incrementAndGet();
        synchronized (listener) {
            listener.gaveUp(reason);
        }
    }

    private static long longHeader(ConsumerRecord<?, ?> record, String name, long otherwise) {
        Header header = record.headers().lastHeader(name);
        if (header == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
