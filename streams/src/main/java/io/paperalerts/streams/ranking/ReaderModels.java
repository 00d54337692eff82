package io.paperalerts.streams.ranking;

import io.paperalerts.relevance.DocumentFrequencies;
import io.paperalerts.relevance.ReaderModel;
import io.paperalerts.relevance.TermVector;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.JudgedPaper;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderModelState;
import io.paperalerts.streams.archive.ArchiveKeys;
import io.paperalerts.streams.digest.DigestScheduler;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each reader's ranking model ({@link ReaderModel}), learnt when its feedback changes and kept in
 * a store of the task that holds its digests ({@link #STORE}, changelogged: a restart or a moved
 * task has it as it was), where {@link DigestRanking} reads it when a digest goes out. It learns
 * from the reader's opinions ("more like this" positives, "less like this" negatives) and, as
 * negatives too, the papers of its archive it passed over: those it judged and those still in an
 * open digest (not seen yet) left out. A model keeps the {@link #MAX_TERMS} terms of largest
 * weight, with their document frequencies: a reader's model is then at most ~30 KB, whatever it
 * learnt from.
 */
public final class ReaderModels {

    /** Per reader (its address, as alerts are keyed), its model. */
    public static final String STORE = "reader-models";

    /** The terms a kept model weighs, the largest weights (docs/benchmarks.md, ranking, for what it costs). */
    public static final int MAX_TERMS = 2_000;

    private final KeyValueStore<String, Feedback> feedback;
    private final KeyValueStore<String, Alert> archive;
    private final KeyValueStore<String, Alert> buffered;
    private final KeyValueStore<String, ReaderModelState> models;
    private final Function<String, Paper> papers;
    private final ReaderLearner learner;

    /**
     * @param feedback the readers' opinions ({@link FeedbackRecorder#STORE})
     * @param archive every match of each reader: what it was shown, or will be
     * @param buffered the alerts of the open digests ({@link DigestScheduler#BUFFERED_ALERTS_STORE})
     * @param papers the papers table, for the texts
     * @param learner learns a reader's model
     */
    public ReaderModels(
            KeyValueStore<String, Feedback> feedback,
            KeyValueStore<String, Alert> archive,
            KeyValueStore<String, Alert> buffered,
            KeyValueStore<String, ReaderModelState> models,
            Function<String, Paper> papers,
            ReaderLearner learner) {
        this.learner = learner;
        this.feedback = feedback;
        this.archive = archive;
        this.buffered = buffered;
        this.models = models;
        this.papers = papers;
    }

    /** A reader's model as its digests are ranked by: the model, and the frequencies its vectors are weighed by. */
    public record Learnt(ReaderModel model, DocumentFrequencies frequencies) {}

    /** Learns the reader's model again from its opinions as they are now; without any, removes it. */
    public void learn(String recipient, Instant now) {
        List<Feedback> opinions =
                List.copyOf(FeedbackRecorder.opinionsOf(feedback, recipient).values());
        if (opinions.isEmpty()) {
            models.put(recipient, null);
            return;
        }
        Set<String> notPassedOver = new HashSet<>();
        opinions.forEach(o -> notPassedOver.add(o.getPaperId()));
        notPassedOver.addAll(DigestScheduler.bufferedPapers(buffered, recipient));
        models.put(recipient, learner.learn(recipient, now, opinions, passedOver(recipient, notPassedOver), papers));
    }

    static Learnt learnt(ReaderModelState state) {
        int[] terms = ints(state.getTerms());
        List<ReaderModel.Judged> judged = new ArrayList<>();
        for (JudgedPaper j : state.getJudged()) {
            judged.add(new ReaderModel.Judged(
                    j.getPaperId(),
                    j.getTitle(),
                    TermVector.ofSorted(ints(j.getTerms()), doubles(j.getWeights())),
                    j.getMore() ? ReaderModel.Judgement.MORE : ReaderModel.Judgement.LESS));
        }
        return new Learnt(
                ReaderModel.restore(terms, doubles(state.getWeights()), state.getBias(), judged),
                DocumentFrequencies.of(state.getPapers(), terms, ints(state.getPapersWith())));
    }

    /** The papers of the reader's archive but those left out, oldest first, the latest {@link ReaderModel#MAX_PASSED_OVER}. */
    private List<String> passedOver(String recipient, Set<String> leftOut) {
        record Shown(String paperId, long at) {}
        List<Shown> shown = new ArrayList<>();
        Set<String> seen = new HashSet<>(leftOut);
        try (KeyValueIterator<String, Alert> it =
                archive.prefixScan(ArchiveKeys.prefix(recipient), new StringSerializer())) {
            it.forEachRemaining(entry -> {
                Alert alert = entry.value;
                if (alert != null && seen.add(alert.getPaper().getId())) {
                    shown.add(new Shown(
                            alert.getPaper().getId(), alert.getMatchedAt().toEpochMilli()));
                }
            });
        }
        shown.sort(Comparator.comparingLong(Shown::at));
        return shown.subList(Math.max(0, shown.size() - ReaderModel.MAX_PASSED_OVER), shown.size()).stream()
                .map(Shown::paperId)
                .toList();
    }

    static ByteBuffer ints(int[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Integer.BYTES);
        for (int value : values) {
            bytes.putInt(value);
        }
        return bytes.flip();
    }

    static ByteBuffer floats(double[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES);
        for (double value : values) {
            bytes.putFloat((float) value);
        }
        return bytes.flip();
    }

    private static int[] ints(ByteBuffer packed) {
        // Bulk reads: a digest's ranking decodes ~1,000 of these arrays (its reader's judged papers).
        IntBuffer values = packed.duplicate().asIntBuffer();
        int[] read = new int[values.remaining()];
        values.get(read);
        return read;
    }

    private static double[] doubles(ByteBuffer packed) {
        FloatBuffer values = packed.duplicate().asFloatBuffer();
        float[] read = new float[values.remaining()];
        values.get(read);
        double[] widened = new double[read.length];
        for (int i = 0; i < read.length; i++) {
            widened[i] = read[i];
        }
        return widened;
    }
}
