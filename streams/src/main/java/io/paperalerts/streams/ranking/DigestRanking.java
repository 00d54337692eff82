package io.paperalerts.streams.ranking;

import io.paperalerts.mail.AlertMailer;
import io.paperalerts.relevance.DocumentFrequencies;
import io.paperalerts.relevance.PaperTexts;
import io.paperalerts.relevance.ReaderModel;
import io.paperalerts.relevance.ReaderRanking;
import io.paperalerts.relevance.TermVector;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.ReaderModelState;
import io.paperalerts.schemas.ReaderRank;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Puts a digest's papers in its reader's order once the reader has said "more like this" or "less
 * like this" (keyword order before, and until its model is learnt: {@link ReaderModels}). Each
 * paper the model ranks for a liked one carries that paper's title as its reason; a paper most
 * like those the reader wanted less of, after {@link #MIN_LESS} of them, leaves the list for the
 * email's "N more, ranked lower" (never the first one: an email lists at least one paper). One
 * reader's model is learnt from that reader's feedback and archive only.
 */
public final class DigestRanking {

    /** Opinions of "less like this" before a paper may leave the list: one click is not a pattern. */
    static final int MIN_LESS = 3;

    /** How alike (cosine of TF-IDF vectors) a paper must be to one the reader wanted less of to leave the list. */
    static final double LOWER_SIMILARITY = 0.2;

    private final KeyValueStore<String, ReaderModelState> models;
    private final PaperTexts texts = new PaperTexts();

    /** @param models the readers' models ({@link ReaderModels#STORE}) */
    public DigestRanking(KeyValueStore<String, ReaderModelState> models) {
        this.models = models;
    }

    /**
     * @param digest with whole papers
     * @return the digest in its reader's order, or as it is if the reader has no model
     */
    public Digest rank(Digest digest) {
        ReaderModelState state = models.get(digest.getRecipient());
        if (state == null || digest.getAlerts().isEmpty()) {
            return digest;
        }
        ReaderModels.Learnt learnt = ReaderModels.learnt(state);
        DocumentFrequencies frequencies = learnt.frequencies();
        ReaderModel model = learnt.model();
        // Keyword order is the email's: the ranking keeps it among papers it cannot tell apart.
        List<Alert> keywordOrder = new ArrayList<>(digest.getAlerts());
        keywordOrder.sort(AlertMailer.LISTED);
        IdentityHashMap<Alert, TermVector> vectors = new IdentityHashMap<>();
        keywordOrder.forEach(a -> vectors.put(a, texts.vector(a.getPaper(), frequencies)));
        List<ReaderRanking.Ranked<Alert>> ranked = ReaderRanking.rank(keywordOrder, vectors::get, model);
        List<Alert> listed = new ArrayList<>();
        List<ReaderRank> order = new ArrayList<>();
        int lower = 0;
        for (ReaderRanking.Ranked<Alert> r : ranked) {
            if (!listed.isEmpty() && rankedLower(model, r.score(), vectors.get(r.item()))) {
                lower++;
                continue;
            }
            listed.add(r.item());
            order.add(new ReaderRank(
                    r.item().getPaper().getId(),
                    r.like().map(ReaderModel.Judged::title).orElse(null)));
        }
        return Digest.newBuilder(digest)
                .setAlerts(listed)
                .setRanking(order)
                .setRankedLower(digest.getRankedLower() + lower)
                .build();
    }

    private static boolean rankedLower(ReaderModel model, double score, TermVector paper) {
        if (model.dislikes() < MIN_LESS || score >= 0) {
            return false;
        }
        double disliked = model.dislikedSimilarity(paper);
        return disliked >= LOWER_SIMILARITY && disliked > model.likedSimilarity(paper);
    }
}
