package io.paperalerts.streams.ranking;

import io.paperalerts.feedback.FeedbackKeys;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.relevance.DocumentFrequencies;
import io.paperalerts.relevance.PaperTexts;
import io.paperalerts.relevance.ReaderModel;
import io.paperalerts.relevance.ReaderRanking;
import io.paperalerts.relevance.TermVector;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Opinion;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderRank;
import io.paperalerts.streams.archive.ArchiveKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Puts a digest's papers in its reader's order once the reader has said "more like this" or "less
 * like this" (keyword order before): a model per reader ({@link ReaderModel}) learnt from its
 * opinions, with the papers of its archive it did not judge as the papers it passed over. Each
 * paper the model ranks for a liked one carries that paper's title as its reason; a paper most
 * like those the reader wanted less of, after {@link #MIN_LESS} of them, leaves the list for the
 * email's "N more, ranked lower" (never the first one: an email lists at least one paper).
 *
 * <p>The model is state derived from the {@code feedback} topic (through the task's store), so it
 * is rebuilt the same after a restart or a move; it is cached per reader until its opinions change,
 * so a click counts from the reader's next digest on. One reader's model sees only that reader's
 * opinions and archive.
 */
public final class DigestRanking {

    /** Opinions of "less like this" before a paper may leave the list: one click is not a pattern. */
    static final int MIN_LESS = 3;

    /** How alike (cosine of TF-IDF vectors) a paper must be to one the reader wanted less of to leave the list. */
    static final double LOWER_SIMILARITY = 0.2;

    /**
     * Readers whose models are kept, per task; the others are learnt again when their next digest
     * goes out (~0.1 s each). A model with its document frequencies takes up to ~1 MB (a term
     * each of up to 500 papers passed over), so few are kept: most readers' digests are a day apart.
     */
    private static final int CACHED_READERS = 64;

    private final KeyValueStore<String, Feedback> feedback;
    private final KeyValueStore<String, Alert> archive;
    private final PaperTexts texts = new PaperTexts();
    private final Map<String, Learnt> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Learnt> eldest) {
            return size() > CACHED_READERS;
        }
    };

    /** A reader's model, with the document frequencies its vectors were weighed by, and the opinions it was learnt from. */
    private record Learnt(List<Feedback> opinions, ReaderModel model, DocumentFrequencies frequencies) {}

    /**
     * @param feedback the task's store of {@code feedback} ({@link FeedbackRecorder#STORE})
     * @param archive the task's archive store: what each reader was shown
     */
    public DigestRanking(KeyValueStore<String, Feedback> feedback, KeyValueStore<String, Alert> archive) {
        this.feedback = feedback;
        this.archive = archive;
    }

    /**
     * @param digest with whole papers, in keyword order
     * @param papers the papers table, for the text of papers judged and passed over
     * @return the digest in its reader's order, or as it is if the reader gave no opinion
     */
    public Digest rank(Digest digest, Function<String, Paper> papers) {
        List<Feedback> opinions = opinionsOf(digest.getRecipient());
        if (opinions.isEmpty()) {
            // None, or none any more (undone, or the reader was forgotten): nothing of it stays here.
            cache.remove(digest.getRecipient());
            return digest;
        }
        if (digest.getAlerts().isEmpty()) {
            return digest;
        }
        // Keyword order is the email's: the ranking keeps it among papers it cannot tell apart.
        List<Alert> keywordOrder = new ArrayList<>(digest.getAlerts());
        keywordOrder.sort(AlertMailer.LISTED);
        Learnt learnt = cache.get(digest.getRecipient());
        if (learnt == null || !learnt.opinions().equals(opinions)) {
            Set<String> ranking = new HashSet<>();
            keywordOrder.forEach(a -> ranking.add(a.getPaper().getId()));
            learnt = learn(digest.getRecipient(), opinions, ranking, papers);
            cache.put(digest.getRecipient(), learnt);
        }
        DocumentFrequencies frequencies = learnt.frequencies();
        ReaderModel model = learnt.model();
        IdentityHashMap<Alert, TermVector> vectors = new IdentityHashMap<>();
        keywordOrder.forEach(a -> vectors.put(a, texts.vector(a.getPaper(), frequencies)));
        List<ReaderRanking.Ranked<Alert>> ranked = ReaderRanking.rank(keywordOrder, vectors::get, model);
        List<Alert> listed = new ArrayList<>();
        List<ReaderRank> order = new ArrayList<>();
        int lower = 0;
        for (ReaderRanking.Ranked<Alert> r : ranked) {
            TermVector vector = vectors.get(r.item());
            if (!listed.isEmpty() && rankedLower(model, r.score(), vector)) {
                lower++;
                continue;
            }
            listed.add(r.item());
            order.add(new ReaderRank(
                    r.item().getPaper().getId(),
                    r.like().map(ReaderModel.Judged::title).orElse(null)));
        }
        Digest result = Digest.newBuilder(digest)
                .setAlerts(listed)
                .setRanking(order)
                .setRankedLower(digest.getRankedLower() + lower)
                .build();
        return result;
    }

    private static boolean rankedLower(ReaderModel model, double score, TermVector paper) {
        if (model.dislikes() < MIN_LESS || score >= 0) {
            return false;
        }
        double disliked = model.dislikedSimilarity(paper);
        return disliked >= LOWER_SIMILARITY && disliked > model.likedSimilarity(paper);
    }

    private List<Feedback> opinionsOf(String recipient) {
        List<Feedback> opinions = new ArrayList<>();
        try (KeyValueIterator<String, Feedback> it =
                feedback.prefixScan(FeedbackKeys.prefix(recipient), new StringSerializer())) {
            it.forEachRemaining(entry -> opinions.add(entry.value));
        }
        return opinions;
    }

    /**
     * @param ranking the papers of the digest being ranked: in the archive already, but not passed
     *     over, since the reader has not seen them yet
     */
    private Learnt learn(
            String recipient, List<Feedback> opinions, Set<String> ranking, Function<String, Paper> papers) {
        Map<String, Map<Integer, Integer>> judgedCounts = new LinkedHashMap<>();
        for (Feedback opinion : opinions) {
            Paper paper = papers.apply(opinion.getPaperId());
            // A paper only a backfill sent is not in the table: its title is what the reader judged.
            judgedCounts.put(
                    opinion.getPaperId(),
                    texts.counts(paper != null ? paper : titleOnly(opinion.getPaperId(), opinion.getTitle())));
        }
        List<Map<Integer, Integer>> passedOverCounts = new ArrayList<>();
        Set<String> notPassedOver = new HashSet<>(judgedCounts.keySet());
        notPassedOver.addAll(ranking);
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
        return new Learnt(List.copyOf(opinions), ReaderModel.learn(judged, passedOver), frequencies);
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
}
