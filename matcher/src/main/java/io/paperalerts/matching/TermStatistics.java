package io.paperalerts.matching;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many of the papers seen so far contain each term, to file a query under its rarest
 * required term. Until enough papers were seen, longer words count as rarer. Past
 * {@link #COUNT_ALL} papers one in {@link #SAMPLE_EVERY} is counted: rarity needs proportions,
 * not every paper, and counting every term of every paper was a fifth of the cost of matching.
 */
public final class TermStatistics {

    static final int MIN_DOCS = 100;
    static final long COUNT_ALL = 10_000;
    static final long SAMPLE_EVERY = 16;
    private static final int MAX_TERMS = 2_000_000;

    /** A counter per term, so that counting a known term reads the map rather than locking a bin to replace a boxed count. */
    private final List<Map<String, AtomicInteger>> documentFrequency =
            List.of(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());

    private final AtomicLong documents = new AtomicLong();
    private final AtomicLong offered = new AtomicLong();

    /** @return whether the paper was counted */
    public boolean observe(AnalyzedPaper paper) {
        long seen = offered.incrementAndGet();
        if (seen > COUNT_ALL && seen % SAMPLE_EVERY != 0) {
            return false;
        }
        documents.incrementAndGet();
        for (int group = 0; group < QueryIndex.GROUP_FIELDS.length; group++) {
            Map<String, AtomicInteger> frequencies = documentFrequency.get(group);
            for (String term : paper.distinctTerms(group)) {
                AtomicInteger count = frequencies.get(term);
                if (count == null) {
                    // A bounded vocabulary: once full, new terms stay unknown, i.e. rare, which they likely are.
                    if (frequencies.size() >= MAX_TERMS) {
                        continue;
                    }
                    count = frequencies.computeIfAbsent(term, t -> new AtomicInteger());
                }
                count.incrementAndGet();
            }
        }
        return true;
    }

    /** The papers counted. */
    public long documents() {
        return documents.get();
    }

    /** Estimated fraction of papers holding the anchor: lower is better to file a query under. */
    double cost(QueryIndex.Anchor anchor) {
        long docs = documents.get();
        if (anchor.prefix()) {
            // Several terms share a prefix; without per-prefix counts, assume it is common.
            return 0.5 / anchor.text().length();
        }
        if (docs < MIN_DOCS) {
            return 1.0 / Math.max(1, anchor.text().length() - 2);
        }
        AtomicInteger count = documentFrequency.get(anchor.group()).get(anchor.text());
        return ((count == null ? 0 : count.get()) + 0.5) / (docs + 1.0);
    }
}
