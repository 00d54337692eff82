package io.paperalerts.streams.ranking;

import io.paperalerts.mail.AlertMailer;
import io.paperalerts.queries.ReaderOpinions.Ordered;
import io.paperalerts.relevance.DocumentFrequencies;
import io.paperalerts.relevance.PaperTexts;
import io.paperalerts.relevance.ReaderModel;
import io.paperalerts.relevance.ReaderRanking;
import io.paperalerts.relevance.TermVector;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderModelState;
import io.paperalerts.schemas.ReaderRank;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Puts a digest's papers in its reader's order once the reader has said "more like this" or "less
 * like this" (keyword order before, and until its model is learnt: {@link ReaderModels}). Each
 * paper the model ranks for a liked one carries that paper's title as its reason; a paper most
 * like those the reader wanted less of, after {@link #MIN_LESS} of them, leaves the list for the
 * email's "N more, ranked lower" (never the first one: an email lists at least one paper). One
 * reader's model is learnt from that reader's feedback and archive only. With {@link
 * ReaderRecommendations}, the digest also gets the papers recommended to its reader, if any.
 */
public final class DigestRanking {

    /** Opinions of "less like this" before a paper may leave the list: one click is not a pattern. */
    static final int MIN_LESS = 3;

    /** How alike (cosine of TF-IDF vectors) a paper must be to one the reader wanted less of to leave the list. */
    static final double LOWER_SIMILARITY = 0.2;

    private final KeyValueStore<String, ReaderModelState> models;
    /** A paper is in the digests of every reader it matched: analysed once for them all. */
    private final AnalysedPapers analysed = new AnalysedPapers(ANALYSED_PAPERS);

    /** Papers whose analysed terms are kept: those of the last few seconds' digests. */
    static final int ANALYSED_PAPERS = 2_000;

    /** Null when none are made. */
    private final ReaderRecommendations recommendations;

    /**
     * @param models the readers' models ({@link ReaderModels#STORE})
     * @param recommendations what recommends papers to readers, or null for none
     */
    public DigestRanking(KeyValueStore<String, ReaderModelState> models, ReaderRecommendations recommendations) {
        this.models = models;
        this.recommendations = recommendations;
    }

    /**
     * @param digest with whole papers
     * @param paperOf the papers table, for recommendations
     * @return the digest in its reader's order, or as it is if the reader has no model
     */
    public Digest rank(Digest digest, Function<String, Paper> paperOf, long now) {
        ReaderModelState state = models.get(digest.getRecipient());
        if (state == null || digest.getAlerts().isEmpty()) {
            return digest;
        }
        // Keyword order is the email's: the ranking keeps it among papers it cannot tell apart.
        List<Alert> keywordOrder = new ArrayList<>(digest.getAlerts());
        keywordOrder.sort(AlertMailer.LISTED);
        ReaderModels.Learnt learnt = ReaderModels.learnt(state);
        Ordered ordered = order(keywordOrder, learnt, analysed);
        List<Alert> listed = new ArrayList<>();
        List<ReaderRank> order = new ArrayList<>();
        int lower = 0;
        for (int i = 0; i < ordered.papers().size(); i++) {
            if (!listed.isEmpty() && ordered.lower().get(i)) {
                lower++;
                continue;
            }
            listed.add(ordered.papers().get(i));
            order.add(ordered.ranks().get(i));
        }
        Digest ranked = Digest.newBuilder(digest)
                .setAlerts(listed)
                .setRanking(order)
                .setRankedLower(digest.getRankedLower() + lower)
                .build();
        if (recommendations != null) {
            ranked.setRecommended(recommendations.recommend(ranked, learnt, analysed, paperOf, now));
        }
        return ranked;
    }

    /**
     * Papers in a reader's order.
     *
     * @param ranks per paper, its id and the liked paper it is most like (none for a paper the
     *     reader judged itself)
     * @param lower per paper, whether it is like what the reader wanted less of ({@link #MIN_LESS})
     */
    /**
     * @param keywordOrder papers (whole) as keyword order lists them, which the ranking keeps among
     *     papers it cannot tell apart
     * @param state the reader's model as kept
     */
    public static Ordered order(List<Alert> keywordOrder, ReaderModelState state, AnalysedPapers analysed) {
        return order(keywordOrder, ReaderModels.learnt(state), analysed);
    }

    /** @param learnt the reader's model, decoded */
    public static Ordered order(List<Alert> keywordOrder, ReaderModels.Learnt learnt, AnalysedPapers analysed) {
        DocumentFrequencies frequencies = learnt.frequencies();
        ReaderModel model = learnt.model();
        IdentityHashMap<Alert, TermVector> vectors = new IdentityHashMap<>();
        keywordOrder.forEach(a -> vectors.put(a, PaperTexts.vector(analysed.counts(a.getPaper()), frequencies)));
        List<Alert> papers = new ArrayList<>();
        List<ReaderRank> ranks = new ArrayList<>();
        List<Boolean> lower = new ArrayList<>();
        for (ReaderRanking.Ranked<Alert> r : ReaderRanking.rank(keywordOrder, vectors::get, model)) {
            String paperId = r.item().getPaper().getId();
            papers.add(r.item());
            ranks.add(new ReaderRank(
                    paperId,
                    r.like()
                            .filter(liked -> !liked.paperId().equals(paperId))
                            .map(ReaderModel.Judged::title)
                            .orElse(null)));
            lower.add(rankedLower(model, r.score(), vectors.get(r.item())));
        }
        return new Ordered(papers, ranks, lower);
    }

    private static boolean rankedLower(ReaderModel model, double score, TermVector paper) {
        if (model.dislikes() < MIN_LESS || score >= 0) {
            return false;
        }
        double disliked = model.dislikedSimilarity(paper);
        return disliked >= LOWER_SIMILARITY && disliked > model.likedSimilarity(paper);
    }
}
