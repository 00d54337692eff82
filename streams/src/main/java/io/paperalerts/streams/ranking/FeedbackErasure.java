package io.paperalerts.streams.ranking;

import io.paperalerts.feedback.FeedbackKeys;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.ReaderModelState;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Forgets a reader's opinions on a {@code forget.requests} record: removes them and its model from
 * the task's stores and forwards a tombstone for each opinion, for {@code feedback}, whose compaction then drops them.
 * The request and the opinions share a partition (that of the reader's alerts), so this task holds
 * every opinion the reader gave before it asked that it has read. The two topics are read side by
 * side, so one saved just before the request may be read after it: the reader's end on {@code
 * feedback} itself ({@link FeedbackKeys#end}, written with the request), which comes after every
 * opinion saved before it, erases those too, through {@link #erase} in {@link FeedbackRecorder}.
 */
public final class FeedbackErasure implements Processor<String, String, String, Feedback> {

    /** The stores it erases from, to connect to it. */
    public static final List<String> STORES =
            List.of(FeedbackRecorder.STORE, FeedbackRecorder.PENDING_STORE, ReaderModels.STORE);

    private ProcessorContext<String, Feedback> context;

    @Override
    public void init(ProcessorContext<String, Feedback> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, String> request) {
        if (request.key() == null || request.value() == null) {
            return;
        }
        erase(context, request.key());
    }

    /** Erases the reader's opinions and model from the task's {@link #STORES}, forwarding a tombstone per opinion. */
    static void erase(ProcessorContext<String, Feedback> context, String recipient) {
        KeyValueStore<String, Feedback> opinions = context.getStateStore(FeedbackRecorder.STORE);
        KeyValueStore<String, Long> pending = context.getStateStore(FeedbackRecorder.PENDING_STORE);
        KeyValueStore<String, ReaderModelState> models = context.getStateStore(ReaderModels.STORE);
        for (String key : FeedbackRecorder.opinionsOf(opinions, recipient).keySet()) {
            opinions.put(key, null);
            context.forward(new Record<String, Feedback>(key, null, context.currentSystemTimeMs()));
        }
        models.put(recipient, null);
        pending.put(recipient, null);
    }

    /** Sends each opinion's record to the partition of its reader's alerts ({@link FeedbackKeys#partition}). */
    public static final class ByReader implements StreamPartitioner<String, Feedback> {

        @Override
        public Optional<Set<Integer>> partitions(
                String topic, String key, Feedback value, Headers headers, int partitions) {
            return Optional.of(Set.of(FeedbackKeys.partition(FeedbackKeys.recipient(key))));
        }

        // Abstract still, though marked for removal (Kafka 4.4): Streams calls the one with headers.
        @Override
        @SuppressWarnings("removal")
        public Optional<Set<Integer>> partitions(String topic, String key, Feedback value, int partitions) {
            return partitions(topic, key, value, null, partitions);
        }
    }
}
