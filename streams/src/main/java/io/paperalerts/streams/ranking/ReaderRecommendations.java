package io.paperalerts.streams.ranking;

import io.paperalerts.mail.ShownPapers;
import io.paperalerts.relevance.PaperTexts;
import io.paperalerts.relevance.ReaderModel;
import io.paperalerts.relevance.TermVector;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Recommendation;
import io.paperalerts.streams.archive.ArchiveKeys;
import io.paperalerts.streams.digest.DigestScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * "Recommended for you": a few papers a week ({@code digest.recommendations.per.week}, off by
 * default) that matched none of a reader's subscriptions but that its model scores high, added to
 * its next digest under their own heading, each with the liked paper it is most like. A reader
 * without feedback has no model, hence no recommendations.
 *
 * <p>The papers looked at are those this task alerted anyone about in the last week ({@link
 * #RECENT_STORE}, the newest {@link #MAX_CANDIDATES}): papers some subscription found worth
 * reading, whose texts the papers table holds. Each must score above zero, be at least {@link
 * #MIN_LIKED_SIMILARITY} like a paper the reader liked and more like those than like the ones it
 * wanted less of; a paper the reader matched (archive, open digests), judged, or was recommended
 * before is never one. Scoring a few hundred papers costs tens of milliseconds (their analysis,
 * mostly), so a reader is looked at once a day at most ({@link #LOOK_AGAIN}), when a digest of
 * its goes out. Not thread-safe: one per task.
 */
public final class ReaderRecommendations {

    /** Papers alerted in the last week, key {@code matched-at (19 digits) | paper id}: time order. */
    public static final String RECENT_STORE = "recommendable-papers";

    /**
     * Per reader (its address), what it was recommended and when it was last looked at: entries
     * {@code epoch-millis paper-id}, the one without a paper id the last look. Erased with the reader.
     */
    public static final String SENT_STORE = "recommended-sent";

    /** The stores it keeps; it reads the archive and the open digests besides. */
    public static final List<String> STORES = List.of(RECENT_STORE, SENT_STORE);

    static final int MAX_CANDIDATES = 500;
    static final double MIN_LIKED_SIMILARITY = 0.2;
    static final Duration WEEK = Duration.ofDays(7);
    static final Duration LOOK_AGAIN = Duration.ofDays(1);
    /** How long a recommendation is remembered, so that it is never made twice. */
    static final Duration REMEMBERED = Duration.ofDays(56);

    private final int perWeek;
    private final KeyValueStore<String, String> recent;
    private final KeyValueStore<String, List<String>> sent;
    private final KeyValueStore<String, Alert> archive;
    private final KeyValueStore<String, Alert> buffered;

    /** @param perWeek at most this many a week per reader; its stores are opened from {@code context} */
    public ReaderRecommendations(int perWeek, ProcessorContext<?, ?> context, String archiveStore) {
        this.perWeek = perWeek;
        this.recent = context.getStateStore(RECENT_STORE);
        this.sent = context.getStateStore(SENT_STORE);
        this.archive = context.getStateStore(archiveStore);
        this.buffered = context.getStateStore(DigestScheduler.BUFFERED_ALERTS_STORE);
    }

    /** Notes the paper of a live alert as one to recommend to others this week. */
    public void note(Alert alert) {
        if (alert.getKind() == AlertKind.LIVE) {
            // Every alert of a paper in this task has the same match time: one entry for them all.
            recent.put(
                    recentKey(
                            alert.getMatchedAt().toEpochMilli(),
                            alert.getPaper().getId()),
                    "");
        }
    }

    /** Forgets papers alerted more than a week before {@code now}. */
    public void forgetOld(long now) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, String> it =
                recent.range(recentKey(0, ""), recentKey(now - WEEK.toMillis(), ""))) {
            it.forEachRemaining(entry -> old.add(entry.key));
        }
        old.forEach(key -> recent.put(key, null));
    }

    /** Erases what is kept about a reader. */
    public static void erase(KeyValueStore<String, List<String>> sent, String recipient) {
        sent.delete(recipient);
    }

    /**
     * @param digest in its reader's order, about to go out
     * @param learnt the reader's model
     * @param paperOf the papers table
     * @return the recommendations, best first; none if the reader had its week's or was looked at today
     */
    List<Recommendation> recommend(
            Digest digest,
            ReaderModels.Learnt learnt,
            AnalysedPapers analysed,
            Function<String, Paper> paperOf,
            long now) {
        String recipient = digest.getRecipient();
        List<Entry> before = entries(sent.get(recipient), now);
        long lastLook = before.stream()
                .filter(e -> e.paperId().isEmpty())
                .mapToLong(Entry::at)
                .max()
                .orElse(Long.MIN_VALUE);
        long thisWeek = before.stream()
                .filter(e -> !e.paperId().isEmpty() && e.at() > now - WEEK.toMillis())
                .count();
        int wanted = (int) (perWeek - thisWeek);
        if (wanted <= 0 || lastLook > now - LOOK_AGAIN.toMillis()) {
            return List.of();
        }
        Set<String> leftOut = leftOut(digest, learnt.model(), before);
        record Scored(Paper paper, double score, String like) {}
        List<Scored> scored = new ArrayList<>();
        ReaderModel model = learnt.model();
        int looked = 0;
        try (KeyValueIterator<String, String> it =
                recent.reverseRange(recentKey(now - WEEK.toMillis(), ""), recentKey(now + 1, ""))) {
            while (it.hasNext() && looked < MAX_CANDIDATES) {
                String paperId = paperId(it.next().key);
                if (!leftOut.add(paperId)) {
                    continue;
                }
                Paper paper = paperOf.apply(paperId);
                if (paper == null) {
                    continue;
                }
                looked++;
                TermVector text = PaperTexts.vector(analysed.counts(paper), learnt.frequencies());
                double score = model.score(text);
                double liked = model.likedSimilarity(text);
                if (score > 0 && liked >= MIN_LIKED_SIMILARITY && liked > model.dislikedSimilarity(text)) {
                    model.closestLiked(text).ifPresent(like -> scored.add(new Scored(paper, score, like.title())));
                }
            }
        }
        scored.sort(Comparator.comparingDouble(Scored::score).reversed());
        List<Recommendation> chosen = new ArrayList<>();
        List<String> remembered = new ArrayList<>();
        before.stream().filter(e -> !e.paperId().isEmpty()).forEach(e -> remembered.add(e.text()));
        remembered.add(String.valueOf(now));
        for (Scored s : scored.subList(0, Math.min(wanted, scored.size()))) {
            chosen.add(new Recommendation(ShownPapers.recommended(s.paper()), s.like()));
            remembered.add(now + " " + s.paper().getId());
        }
        sent.put(recipient, remembered);
        return chosen;
    }

    /** Papers never recommended to the reader: in the digest, matched, judged, or recommended before. */
    private Set<String> leftOut(Digest digest, ReaderModel model, List<Entry> before) {
        String recipient = digest.getRecipient();
        Set<String> leftOut = new HashSet<>();
        digest.getAlerts().forEach(a -> leftOut.add(a.getPaper().getId()));
        model.judged().forEach(j -> leftOut.add(j.paperId()));
        before.forEach(e -> leftOut.add(e.paperId()));
        leftOut.addAll(DigestScheduler.bufferedPapers(buffered, recipient));
        try (KeyValueIterator<String, Alert> it =
                archive.prefixScan(ArchiveKeys.prefix(recipient), new StringSerializer())) {
            it.forEachRemaining(entry -> {
                if (entry.value != null) {
                    leftOut.add(entry.value.getPaper().getId());
                }
            });
        }
        return leftOut;
    }

    /** One remembered entry: a recommendation, or (empty paper id) a look. */
    private record Entry(long at, String paperId, String text) {}

    private static List<Entry> entries(List<String> kept, long now) {
        List<Entry> entries = new ArrayList<>();
        if (kept == null) {
            return entries;
        }
        for (String text : kept) {
            int space = text.indexOf(' ');
            long at = Long.parseLong(space < 0 ? text : text.substring(0, space));
            if (at > now - REMEMBERED.toMillis()) {
                entries.add(new Entry(at, space < 0 ? "" : text.substring(space + 1), text));
            }
        }
        return entries;
    }

    private static String recentKey(long matchedAt, String paperId) {
        return String.format("%019d|%s", Math.max(0, matchedAt), paperId);
    }

    private static String paperId(String recentKey) {
        return recentKey.substring(recentKey.indexOf('|') + 1);
    }
}
