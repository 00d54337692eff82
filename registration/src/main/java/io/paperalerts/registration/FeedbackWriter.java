package io.paperalerts.registration;

import io.paperalerts.feedback.FeedbackKeys;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Opinion;
import io.paperalerts.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes readers' opinions to {@code feedback}: one record per (reader, paper), to the partition
 * of the reader's alerts ({@link FeedbackKeys#partition}); an undo is a tombstone. A page says
 * "noted" only once the broker has the record.
 */
final class FeedbackWriter implements AutoCloseable {

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final Producer<String, Feedback> producer;

    FeedbackWriter(KafkaClients clients) {
        var topic = Topics.FEEDBACK;
        this.producer = clients.awaitedProducer(
                WRITE_TIMEOUT, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    void record(String recipient, String paperId, String title, Opinion opinion, Instant at) {
        write(recipient, paperId, new Feedback(recipient, paperId, opinion, title, at));
    }

    void undo(String recipient, String paperId) {
        write(recipient, paperId, null);
    }

    private void write(String recipient, String paperId, Feedback value) {
        if (paperId.isEmpty()) {
            // The key would be the reader's end, which erases all of its opinions.
            throw new IllegalArgumentException("An opinion names a paper");
        }
        Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(
                Topics.FEEDBACK.name(),
                FeedbackKeys.partition(recipient),
                FeedbackKeys.key(recipient, paperId),
                value));
        try {
            sent.get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("interrupted while saving your feedback");
        } catch (ExecutionException | TimeoutException e) {
            throw ApiError.unavailable("cannot save your feedback now; please try again in a minute");
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
