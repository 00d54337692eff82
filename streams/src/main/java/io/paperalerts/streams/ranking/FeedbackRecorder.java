package io.paperalerts.streams.ranking;

import io.paperalerts.feedback.FeedbackKeys;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Paper;
import io.paperalerts.streams.archive.ArchiveWriter;
import io.paperalerts.streams.digest.DigestScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the task's store of readers' opinions a copy of its partition of {@code feedback} (the
 * partition of the readers' alerts) and learns each reader's model again when its opinions change
 * ({@link ReaderModels}): at once for a click of the last minute, so the next digest is ranked by
 * it; by a check every second, {@link #CHECK_BUDGET} at a time, for opinions read again (a replay,
 * a new application), whose readers are noted in {@link #PENDING_STORE} until then. A tombstone
 * (an undo, or an erasure) removes the opinion; one under a reader's end ({@link FeedbackKeys#end})
 * erases all of the reader's ({@link FeedbackErasure}), forwarding a tombstone for each, for {@code
 * feedback}.
 */
public final class FeedbackRecorder implements Processor<String, Feedback, String, Feedback> {

    /** Per {@code recipient NUL paper-id} ({@link FeedbackKeys}), the reader's opinion of the paper. */
    public static final String STORE = "feedback-store";

    /** Readers whose model is to be learnt again by the next check (value: when noted, epoch millis). */
    public static final String PENDING_STORE = "reader-models-pending";

    /** Every store it uses, to connect to it; it reads the global papers table besides. */
    public static final List<String> STORES = List.of(
            STORE,
            PENDING_STORE,
            ReaderModels.STORE,
            ArchiveWriter.STORE,
            DigestScheduler.BUFFERED_ALERTS_STORE,
            AnalysedPapers.STORE);

    /** A click this recent is learnt from at once; older ones are being read again. */
    static final Duration LIVE = Duration.ofMinutes(1);

    /** How long one check may learn (it runs inside the task's open transaction, like a digest check). */
    static final Duration CHECK_BUDGET = Duration.ofMillis(200);

    private static final Logger log = LoggerFactory.getLogger(FeedbackRecorder.class);

    private final String papersStore;
    private ProcessorContext<String, Feedback> context;
    private KeyValueStore<String, Feedback> opinions;
    private KeyValueStore<String, Long> pending;
    private ReaderModels models;

    /** @param papersStore the global table of the papers that alerts name, for their texts */
    public FeedbackRecorder(String papersStore) {
        this.papersStore = papersStore;
    }

    @Override
    public void init(ProcessorContext<String, Feedback> context) {
        this.context = context;
        this.opinions = context.getStateStore(STORE);
        this.pending = context.getStateStore(PENDING_STORE);
        KeyValueStore<String, Paper> papers = context.getStateStore(papersStore);
        KeyValueStore<String, byte[]> analysed = context.getStateStore(AnalysedPapers.STORE);
        this.models = new ReaderModels(
                opinions,
                context.getStateStore(ArchiveWriter.STORE),
                context.getStateStore(DigestScheduler.BUFFERED_ALERTS_STORE),
                context.getStateStore(ReaderModels.STORE),
                papers::get,
                new ReaderLearner(AnalysedPapers.Kept.of(analysed), context::currentSystemTimeMs));
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, ignored -> learnPending());
        // Hourly, not daily: a wall-clock punctuation first fires one interval after the task opens,
        // and a service restarted daily would never get there.
        context.schedule(
                Duration.ofHours(1), PunctuationType.WALL_CLOCK_TIME, now -> AnalysedPapers.forgetOld(analysed, now));
    }

    @Override
    public void process(Record<String, Feedback> record) {
        if (record.key() == null) {
            return;
        }
        Feedback opinion = record.value();
        if (opinion == null && FeedbackKeys.isEnd(record.key())) {
            FeedbackErasure.erase(context, FeedbackKeys.recipient(record.key()));
            return;
        }
        if (opinion == null) {
            opinions.put(record.key(), null);
        } else if (record.key().equals(FeedbackKeys.key(opinion.getRecipient(), opinion.getPaperId()))) {
            opinions.put(record.key(), opinion);
        } else {
            // Only registration writes here, keyed by what the record says; anything else is not ours.
            log.warn("Ignoring feedback whose key does not name its reader and paper");
            return;
        }
        String recipient = FeedbackKeys.recipient(record.key());
        long now = context.currentSystemTimeMs();
        if (record.timestamp() >= now - LIVE.toMillis()) {
            models.learn(recipient, Instant.ofEpochMilli(now));
            pending.put(recipient, null);
        } else {
            pending.put(recipient, now);
        }
    }

    /**
     * A reader's opinions, latest per paper, by key ({@link FeedbackKeys}) in key order: from the
     * task's store, or an interactive query of it.
     */
    public static Map<String, Feedback> opinionsOf(ReadOnlyKeyValueStore<String, Feedback> store, String recipient) {
        Map<String, Feedback> opinions = new LinkedHashMap<>();
        try (KeyValueIterator<String, Feedback> it =
                store.prefixScan(FeedbackKeys.prefix(recipient), new StringSerializer())) {
            it.forEachRemaining(entry -> opinions.put(entry.key, entry.value));
        }
        return opinions;
    }

    private void learnPending() {
        List<String> readers = new ArrayList<>();
        long deadline = System.nanoTime() + CHECK_BUDGET.toNanos();
        try (KeyValueIterator<String, Long> it = pending.all()) {
            while (it.hasNext() && readers.size() < 1_000) {
                readers.add(it.next().key);
            }
        }
        for (String recipient : readers) {
            if (System.nanoTime() - deadline > 0) {
                return;
            }
            models.learn(recipient, Instant.ofEpochMilli(context.currentSystemTimeMs()));
            pending.put(recipient, null);
        }
    }
}
