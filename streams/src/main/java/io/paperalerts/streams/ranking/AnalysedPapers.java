package io.paperalerts.streams.ranking;

import io.paperalerts.relevance.PaperTexts;
import io.paperalerts.schemas.Paper;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Papers' analysed terms (Lucene's English analyzer, {@link PaperTexts}), the latest ones kept:
 * analysing a text costs more than learning from it or scoring it (docs/benchmarks.md, ranking),
 * and the same papers come back, in a reader's next click and in the digests of every reader they
 * matched. A kept paper is ~1 KB. Not thread-safe.
 */
public final class AnalysedPapers {

    private final PaperTexts texts = new PaperTexts();
    private final int capacity;

    /** Per paper (id and version), its terms ascending and their counts. */
    private final Map<String, int[][]> kept;

    /** @param capacity how many papers' terms to keep; 0 for none */
    public AnalysedPapers(int capacity) {
        this.capacity = capacity;
        this.kept = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, int[][]> eldest) {
                return size() > AnalysedPapers.this.capacity;
            }
        };
    }

    /** Occurrences of each term in the paper's title and abstract. */
    public Map<Integer, Integer> counts(Paper paper) {
        String key = paper.getId() + " v" + paper.getVersion();
        int[][] known = kept.get(key);
        if (known == null) {
            Map<Integer, Integer> counts = texts.counts(paper);
            if (capacity == 0) {
                return counts;
            }
            int[] terms = counts.keySet().stream()
                    .mapToInt(Integer::intValue)
                    .sorted()
                    .toArray();
            int[] values = new int[terms.length];
            for (int i = 0; i < terms.length; i++) {
                values[i] = counts.get(terms[i]);
            }
            known = new int[][] {terms, values};
            kept.put(key, known);
        }
        Map<Integer, Integer> counts = new HashMap<>(known[0].length * 2);
        for (int i = 0; i < known[0].length; i++) {
            counts.put(known[0][i], known[1][i]);
        }
        return counts;
    }

    /** The paper's counts, never kept: for a paper made up here (a title alone), whose id is not its text's. */
    public Map<Integer, Integer> countsOnce(Paper paper) {
        return texts.counts(paper);
    }
}
