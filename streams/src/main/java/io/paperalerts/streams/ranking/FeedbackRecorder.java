package io.paperalerts.streams.ranking;

import io.paperalerts.feedback.FeedbackKeys;
import io.paperalerts.schemas.Feedback;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the task's store of readers' opinions a copy of its partition of {@code feedback}: the
 * partition of the readers' alerts, so the digests of this task are ranked from it
 * ({@link DigestRanking}). A tombstone (an undo, or an erasure) removes the opinion.
 */
public final class FeedbackRecorder implements Processor<String, Feedback, Void, Void> {

    /** Per {@code recipient NUL paper-id} ({@link FeedbackKeys}), the reader's opinion of the paper. */
    public static final String STORE = "feedback-store";

    private static final Logger log = LoggerFactory.getLogger(FeedbackRecorder.class);

    private KeyValueStore<String, Feedback> opinions;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.opinions = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, Feedback> record) {
        if (record.key() == null) {
            return;
        }
        Feedback opinion = record.value();
        if (opinion == null) {
            opinions.put(record.key(), null);
        } else if (record.key().equals(FeedbackKeys.key(opinion.getRecipient(), opinion.getPaperId()))) {
            opinions.put(record.key(), opinion);
        } else {
            // Only registration writes here, keyed by what the record says; anything else is not ours.
            log.warn("Ignoring feedback whose key does not name its reader and paper");
        }
    }
}
