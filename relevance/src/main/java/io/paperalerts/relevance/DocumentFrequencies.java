package io.paperalerts.relevance;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * In how many papers each term occurs, for inverse document frequencies: common words of a
 * field ("model", "results") weigh little, rare ones much. Not thread-safe.
 */
public final class DocumentFrequencies {

    private final Map<Integer, Integer> papersWith = new HashMap<>();
    private long papers;

    /** @param terms the distinct terms of one paper */
    public void add(Set<Integer> terms) {
        papers++;
        terms.forEach(term -> papersWith.merge(term, 1, Integer::sum));
    }

    /** Smoothed, so a term never seen has the highest weight and none has 0. */
    public double idf(int term) {
        return Math.log((papers + 1.0) / (papersWith.getOrDefault(term, 0) + 1.0)) + 1;
    }

    public long papers() {
        return papers;
    }

    /** In how many of the papers the term occurs. */
    public int papersWith(int term) {
        return papersWith.getOrDefault(term, 0);
    }

    /** Frequencies kept elsewhere: {@code papers} papers, of which {@code papersWith[i]} have {@code terms[i]}. */
    public static DocumentFrequencies of(long papers, int[] terms, int[] papersWith) {
        DocumentFrequencies frequencies = new DocumentFrequencies();
        frequencies.papers = papers;
        for (int i = 0; i < terms.length; i++) {
            frequencies.papersWith.put(terms[i], papersWith[i]);
        }
        return frequencies;
    }
}
