package io.paperalerts.relevance;

import java.util.Arrays;

/**
 * In how many papers each term occurs, for inverse document frequencies: common words of a
 * field ("model", "results") weigh little, rare ones much. Papers added are counted in one sort
 * when next asked (a reader's model adds ~1,000 papers at a time, then asks ~100,000 times).
 * Not thread-safe.
 */
public final class DocumentFrequencies {

    /** Ascending, each with the papers it occurs in. */
    private int[] terms = new int[0];

    private int[] papersWith = new int[0];

    /** The distinct terms of the papers added since the last count, one entry per (paper, term). */
    private int[] added = new int[1024];

    private int addedLength;
    private long papers;

    public void add(TermCounts paper) {
        papers++;
        if (addedLength + paper.size() > added.length) {
            added = Arrays.copyOf(added, Math.max(added.length * 2, addedLength + paper.size()));
        }
        for (int i = 0; i < paper.size(); i++) {
            added[addedLength++] = paper.term(i);
        }
    }

    /** Smoothed, so a term never seen has the highest weight and none has 0. */
    public double idf(int term) {
        return Math.log((papers + 1.0) / (papersWith(term) + 1.0)) + 1;
    }

    public long papers() {
        return papers;
    }

    /** In how many of the papers the term occurs. */
    public int papersWith(int term) {
        count();
        int i = Arrays.binarySearch(terms, term);
        return i >= 0 ? papersWith[i] : 0;
    }

    /** Frequencies kept elsewhere: {@code papers} papers, of which {@code papersWith[i]} have {@code terms[i]} (ascending). */
    public static DocumentFrequencies of(long papers, int[] terms, int[] papersWith) {
        TermCounts.requireAscending(terms, papersWith.length, "count");
        DocumentFrequencies frequencies = new DocumentFrequencies();
        frequencies.papers = papers;
        frequencies.terms = terms.clone();
        frequencies.papersWith = papersWith.clone();
        return frequencies;
    }

    /** Merges the papers added since the last count into the counts. */
    private void count() {
        if (addedLength == 0) {
            return;
        }
        TermCounts fresh = TermCounts.ofOccurrences(added, addedLength);
        addedLength = 0;
        int[] mergedTerms = new int[terms.length + fresh.size()];
        int[] mergedCounts = new int[mergedTerms.length];
        int i = 0;
        int j = 0;
        int m = 0;
        while (i < terms.length || j < fresh.size()) {
            if (j == fresh.size() || (i < terms.length && terms[i] < fresh.term(j))) {
                mergedTerms[m] = terms[i];
                mergedCounts[m++] = papersWith[i++];
            } else if (i == terms.length || fresh.term(j) < terms[i]) {
                mergedTerms[m] = fresh.term(j);
                mergedCounts[m++] = fresh.count(j++);
            } else {
                mergedTerms[m] = terms[i];
                mergedCounts[m++] = papersWith[i++] + fresh.count(j++);
            }
        }
        terms = Arrays.copyOf(mergedTerms, m);
        papersWith = Arrays.copyOf(mergedCounts, m);
    }
}
