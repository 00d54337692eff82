package io.paperalerts.registration;

import io.paperalerts.feedback.FeedbackKeys;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.mail.ManageGenerations;
import io.paperalerts.queries.Recipients;
import io.paperalerts.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Forgets a subscriber, as the manage page's "delete all my data" and {@code paper-alerts forget}
 * ask: tombstones for its subscriptions (pending ones, i.e. unconfirmed registrations, included)
 * and for its manage-link generation, the reader's end on {@code feedback} (after every opinion it
 * saved, which the streams service erases on reading it: {@code FeedbackErasure}), then a request
 * on {@code forget.requests} that the streams service carries out where the address's digests,
 * archive and delivery record are (see {@code RecipientErasure}). Each step is idempotent: after a failure, forgetting again finishes it.
 */
public final class SubscriberErasure implements AutoCloseable {

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final Producer<String, String> producer;
    private final ManageGenerations generations;

    /** @param generations followed, to start a generation that no earlier manage link has */
    public SubscriberErasure(KafkaClients clients, ManageGenerations generations) {
        this.generations = generations;
        this.producer = clients.awaitedProducer(WRITE_TIMEOUT, new StringSerializer(), new StringSerializer());
    }

    /**
     * @param subscriptionIds the address's subscriptions still to remove (none if the caller removed
     *     them already and waited until the streams service saw it)
     */
    public void forget(String address, Collection<String> subscriptionIds, Instant at) {
        List<Future<RecordMetadata>> writes = new ArrayList<>();
        for (String id : subscriptionIds) {
            writes.add(producer.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS.name(), id, null)));
        }
        await(writes);
        // A new generation under the address's pseudonym: its old manage links stay refused if it comes back.
        generations.revoke(address);
        String recipient = Recipients.of(address);
        // After every opinion the reader saved, on their partition: the streams service erases them on reading it.
        await(List.of(producer.send(new ProducerRecord<>(
                Topics.FEEDBACK.name(), FeedbackKeys.partition(recipient), FeedbackKeys.end(recipient), null))));
        // Keyed as alerts are, so it reaches the task that holds the address's digests and archive.
        await(List.of(producer.send(
                new ProducerRecord<>(Topics.FORGET_REQUESTS.name(), recipient, String.valueOf(at.toEpochMilli())))));
    }

    private static void await(List<Future<RecordMetadata>> writes) {
        try {
            for (Future<RecordMetadata> write : writes) {
                write.get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while forgetting a subscriber", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot forget the subscriber now: " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
