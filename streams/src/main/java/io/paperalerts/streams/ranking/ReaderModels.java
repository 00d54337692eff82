package io.paperalerts.streams.ranking;

import io.paperalerts.feedback.FeedbackKeys;
import io.paperalerts.relevance.DocumentFrequencies;
import io.paperalerts.relevance.PaperTexts;
import io.paperalerts.relevance.ReaderModel;
import io.paperalerts.relevance.TermVector;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.JudgedPaper;
import io.paperalerts.schemas.Opinion;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderModelState;
import io.paperalerts.streams.archive.ArchiveKeys;
import io.paperalerts.streams.digest.DigestScheduler;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final PaperTexts texts = new PaperTexts();

    /**
     * @param feedback the readers' opinions ({@link FeedbackRecorder#STORE})
     * @param archive every match of each reader: what it was shown, or will be
     * @param buffered the alerts of the open digests ({@link DigestScheduler#BUFFERED_ALERTS_STORE})
     * @param papers the papers table, for the texts
     */
    public ReaderModels(
            KeyValueStore<String, Feedback> feedback,
            KeyValueStore<String, Alert> archive,
            KeyValueStore<String, Alert> buffered,
            KeyValueStore<String, ReaderModelState> models,
            Function<String, Paper> papers) {
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
        List<Feedback> opinions = new ArrayList<>();
        try (KeyValueIterator<String, Feedback> it =
                feedback.prefixScan(FeedbackKeys.prefix(recipient), new StringSerializer())) {
            it.forEachRemaining(entry -> opinions.add(entry.value));
        }
        if (opinions.isEmpty()) {
            models.put(recipient, null);
            return;
        }
        Map<String, Map<Integer, Integer>> judgedCounts = new LinkedHashMap<>();
        for (Feedback opinion : opinions) {
            Paper paper = papers.apply(opinion.getPaperId());
            // A paper only a backfill sent is not in the table: its title is what the reader judged.
            judgedCounts.put(
                    opinion.getPaperId(),
                    texts.counts(paper != null ? paper : titleOnly(opinion.getPaperId(), opinion.getTitle())));
        }
        Set<String> notPassedOver = new HashSet<>(judgedCounts.keySet());
        notPassedOver.addAll(DigestScheduler.bufferedPapers(buffered, recipient));
        List<Map<Integer, Integer>> passedOverCounts = new ArrayList<>();
        for (String paperId : passedOver(recipient, notPassedOver)) {
            Paper paper = papers.apply(paperId);
            if (paper != null) {
                passedOverCounts.add(texts.counts(paper));
            }
        }
        DocumentFrequencies frequencies = new DocumentFrequencies();
        judgedCounts.values().forEach(c -> frequencies.add(c.keySet()));
        passedOverCounts.forEach(c -> frequencies.add(c.keySet()));
        List<ReaderModel.Judged> judged = new ArrayList<>();
        for (Feedback opinion : opinions) {
            judged.add(new ReaderModel.Judged(
                    opinion.getPaperId(),
                    opinion.getTitle(),
                    PaperTexts.vector(judgedCounts.get(opinion.getPaperId()), frequencies),
                    opinion.getOpinion() == Opinion.MORE ? ReaderModel.Judgement.MORE : ReaderModel.Judgement.LESS));
        }
        List<TermVector> passedOver = new ArrayList<>();
        passedOverCounts.forEach(c -> passedOver.add(PaperTexts.vector(c, frequencies)));
        ReaderModel model = ReaderModel.learn(judged, passedOver).pruned(MAX_TERMS);
        models.put(recipient, state(recipient, now, model, frequencies));
    }

    /** The reader's model, null if it has none (no opinions, or not learnt yet). */
    public Learnt read(String recipient) {
        ReaderModelState state = models.get(recipient);
        return state == null ? null : learnt(state);
    }

    /** Forgets a reader's model. */
    public void erase(String recipient) {
        models.put(recipient, null);
    }

    static ReaderModelState state(String recipient, Instant now, ReaderModel model, DocumentFrequencies frequencies) {
        int[] terms = model.termIds();
        int[] papersWith = new int[terms.length];
        for (int i = 0; i < terms.length; i++) {
            papersWith[i] = frequencies.papersWith(terms[i]);
        }
        List<JudgedPaper> judged = new ArrayList<>();
        for (ReaderModel.Judged j : model.judged()) {
            judged.add(new JudgedPaper(
                    j.paperId(),
                    j.title(),
                    j.judgement() == ReaderModel.Judgement.MORE,
                    ints(j.text().termIds()),
                    floats(j.text().termWeights())));
        }
        return new ReaderModelState(
                recipient,
                now,
                frequencies.papers(),
                ints(terms),
                ints(papersWith),
                floats(model.termWeights()),
                model.bias(),
                judged);
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

    private static Paper titleOnly(String id, String title) {
        Paper paper = new Paper();
        paper.setId(id);
        paper.setTitle(title);
        paper.setAbstractText("");
        return paper;
    }

    private static ByteBuffer ints(int[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Integer.BYTES);
        for (int value : values) {
            bytes.putInt(value);
        }
        return bytes.flip();
    }

    private static ByteBuffer floats(double[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES);
        for (double value : values) {
            bytes.putFloat((float) value);
        }
        return bytes.flip();
    }

    private static int[] ints(ByteBuffer packed) {
        ByteBuffer bytes = packed.duplicate();
        int[] values = new int[bytes.remaining() / Integer.BYTES];
        for (int i = 0; i < values.length; i++) {
            values[i] = bytes.getInt();
        }
        return values;
    }

    private static double[] doubles(ByteBuffer packed) {
        ByteBuffer bytes = packed.duplicate();
        double[] values = new double[bytes.remaining() / Float.BYTES];
        for (int i = 0; i < values.length; i++) {
            values[i] = bytes.getFloat();
        }
        return values;
    }
}
