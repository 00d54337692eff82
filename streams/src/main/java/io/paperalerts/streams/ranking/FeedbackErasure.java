package io.paperalerts.streams.ranking;

import io.paperalerts.feedback.FeedbackKeys;
import io.paperalerts.schemas.Feedback;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Forgets a reader's opinions on a {@code forget.requests} record: removes them from the task's
 * store and forwards a tombstone for each, for {@code feedback}, whose compaction then drops them.
 * The request and the opinions share a partition (that of the reader's alerts), so this task holds
 * every opinion the reader gave before it asked.
 */
public final class FeedbackErasure implements Processor<String, String, String, Feedback> {

    private ProcessorContext<String, Feedback> context;
    private KeyValueStore<String, Feedback> opinions;

    @Override
    public void init(ProcessorContext<String, Feedback> context) {
        this.context = context;
        this.opinions = context.getStateStore(FeedbackRecorder.STORE);
    }

    @Override
    public void process(Record<String, String> request) {
        if (request.key() == null || request.value() == null) {
            return;
        }
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Feedback> it =
                opinions.prefixScan(FeedbackKeys.prefix(request.key()), new StringSerializer())) {
            it.forEachRemaining(entry -> keys.add(entry.key));
        }
        for (String key : keys) {
            opinions.put(key, null);
            context.forward(new Record<String, Feedback>(key, null, context.currentSystemTimeMs()));
        }
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
