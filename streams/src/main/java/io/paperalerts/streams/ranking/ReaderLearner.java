package io.paperalerts.streams.ranking;

import io.paperalerts.relevance.DocumentFrequencies;
import io.paperalerts.relevance.PaperTexts;
import io.paperalerts.relevance.ReaderModel;
import io.paperalerts.relevance.TermCounts;
import io.paperalerts.relevance.TermVector;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.JudgedPaper;
import io.paperalerts.schemas.Opinion;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderModelState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Learns one reader's model from its opinions and the papers it passed over, as {@link
 * ReaderModels} keeps it. Analysing a paper's text (Lucene's English analyzer) costs more than the
 * training (docs/benchmarks.md, ranking), and a reader's next click learns from much the same
 * papers, so the terms of the latest {@link #ANALYSED_PAPERS} papers analysed are kept in memory,
 * and in the pipeline every paper's in the task's store ({@link AnalysedPapers}), for the first
 * click after a restart. Not thread-safe: one per task.
 */
public final class ReaderLearner {

    /** Papers whose analysed terms are kept: a few readers' worth (a reader learns from up to ~1,000). */
    static final int ANALYSED_PAPERS = 5_000;

    private final AnalysedPapers analysed;

    /** Keeping analysed terms in memory only. */
    public ReaderLearner() {
        this(null, System::currentTimeMillis);
    }

    /**
     * @param kept where analysed terms are kept besides (the task's {@link AnalysedPapers#STORE})
     * @param clock epoch millis
     */
    public ReaderLearner(AnalysedPapers.Kept kept, LongSupplier clock) {
        this.analysed = new AnalysedPapers(ANALYSED_PAPERS, kept, clock);
    }

    /**
     * @param opinions the reader's, one per paper
     * @param passedOver ids of papers the reader was shown and did not judge, oldest first
     * @param papers the papers table; a judged paper it does not hold counts by its title
     */
    public ReaderModelState learn(
            String recipient,
            Instant now,
            List<Feedback> opinions,
            List<String> passedOver,
            Function<String, Paper> papers) {
        List<TermCounts> judgedCounts = new ArrayList<>();
        for (Feedback opinion : opinions) {
            Paper paper = papers.apply(opinion.getPaperId());
            // A paper only a backfill sent is not in the table: its title is what the reader judged.
            judgedCounts.add(
                    paper != null
                            ? analysed.counts(paper)
                            : analysed.countsOnce(titleOnly(opinion.getPaperId(), opinion.getTitle())));
        }
        List<TermCounts> passedOverCounts = new ArrayList<>();
        for (String paperId : passedOver) {
            Paper paper = papers.apply(paperId);
            if (paper != null) {
                passedOverCounts.add(analysed.counts(paper));
            }
        }
        DocumentFrequencies frequencies = new DocumentFrequencies();
        judgedCounts.forEach(frequencies::add);
        passedOverCounts.forEach(frequencies::add);
        List<ReaderModel.Judged> judged = new ArrayList<>();
        for (int i = 0; i < opinions.size(); i++) {
            Feedback opinion = opinions.get(i);
            judged.add(new ReaderModel.Judged(
                    opinion.getPaperId(),
                    opinion.getTitle(),
                    PaperTexts.vector(judgedCounts.get(i), frequencies),
                    opinion.getOpinion() == Opinion.MORE ? ReaderModel.Judgement.MORE : ReaderModel.Judgement.LESS));
        }
        List<TermVector> passedOverVectors = new ArrayList<>();
        passedOverCounts.forEach(c -> passedOverVectors.add(PaperTexts.vector(c, frequencies)));
        ReaderModel model = ReaderModel.learn(judged, passedOverVectors).pruned(ReaderModels.MAX_TERMS);
        return state(recipient, now, model, frequencies);
    }

    private static ReaderModelState state(
            String recipient, Instant now, ReaderModel model, DocumentFrequencies frequencies) {
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
                    ReaderModels.ints(j.text().termIds()),
                    ReaderModels.floats(j.text().termWeights())));
        }
        return new ReaderModelState(
                recipient,
                now,
                frequencies.papers(),
                ReaderModels.ints(terms),
                ReaderModels.ints(papersWith),
                ReaderModels.floats(model.termWeights()),
                model.bias(),
                judged);
    }

    private static Paper titleOnly(String id, String title) {
        Paper paper = new Paper();
        paper.setId(id);
        paper.setTitle(title);
        paper.setAbstractText("");
        return paper;
    }
}
