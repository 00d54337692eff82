package io.paperalerts.streams.ranking;

import io.paperalerts.relevance.PaperTexts;
import io.paperalerts.relevance.TermCounts;
import io.paperalerts.schemas.Paper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Papers' analysed terms (Lucene's English analyzer, {@link PaperTexts}), the latest ones kept:
 * analysing a text costs more than learning from it or scoring it (docs/benchmarks.md, ranking),
 * and the same papers come back, in a reader's next click and in the digests of every reader they
 * matched. A kept paper is ~1 KB (two arrays). Not thread-safe.
 */
public final class AnalysedPapers {

    private final PaperTexts texts = new PaperTexts();
    private final int capacity;

    /** Per paper (id and version), its terms ascending and their counts. */
    private final Map<String, TermCounts> kept;

    /** @param capacity how many papers' terms to keep; 0 for none */
    public AnalysedPapers(int capacity) {
        this.capacity = capacity;
        this.kept = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TermCounts> eldest) {
                return size() > AnalysedPapers.this.capacity;
            }
        };
    }

    /** Occurrences of each term in the paper's title and abstract. */
    public TermCounts counts(Paper paper) {
        String key = paper.getId() + " v" + paper.getVersion();
        TermCounts known = kept.get(key);
        if (known == null) {
            known = texts.counts(paper);
            if (capacity > 0) {
                kept.put(key, known);
            }
        }
        return known;
    }

    /** The paper's counts, never kept: for a paper made up here (a title alone), whose id is not its text's. */
    public TermCounts countsOnce(Paper paper) {
        return texts.counts(paper);
    }
}
