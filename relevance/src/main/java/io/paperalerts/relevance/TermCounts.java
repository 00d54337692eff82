package io.paperalerts.relevance;

import java.util.Arrays;

/**
 * How often each term occurs in a text: term ids ascending, each with its count. Plain arrays, as
 * a reader's model learns from about 1,000 papers of ~100 terms at each click, and boxed maps of
 * them cost more than the training itself (docs/benchmarks.md, ranking).
 */
public final class TermCounts {

    public static final TermCounts EMPTY = new TermCounts(new int[0], new int[0]);

    private final int[] terms;
    private final int[] counts;

    private TermCounts(int[] terms, int[] counts) {
        this.terms = terms;
        this.counts = counts;
    }

    /** The counts of the first {@code length} term ids of {@code occurrences}, one per occurrence (sorted here, in place). */
    static TermCounts ofOccurrences(int[] occurrences, int length) {
        Arrays.sort(occurrences, 0, length);
        int distinct = 0;
        for (int i = 0; i < length; i++) {
            if (i == 0 || occurrences[i] != occurrences[i - 1]) {
                distinct++;
            }
        }
        int[] terms = new int[distinct];
        int[] counts = new int[distinct];
        int d = -1;
        for (int i = 0; i < length; i++) {
            if (i == 0 || occurrences[i] != occurrences[i - 1]) {
                terms[++d] = occurrences[i];
            }
            counts[d]++;
        }
        return new TermCounts(terms, counts);
    }

    /** Counts kept from an earlier analysis: term ids ascending, each with its count (at least one). */
    public static TermCounts of(int[] terms, int[] counts) {
        requireAscending(terms, counts.length, "count");
        for (int count : counts) {
            if (count < 1) {
                throw new IllegalArgumentException("a term counted is counted at least once, not " + count);
            }
        }
        return new TermCounts(terms.clone(), counts.clone());
    }

    /** Refuses kept arrays that are not term ids ascending, each with one {@code value}. */
    static void requireAscending(int[] terms, int values, String value) {
        if (terms.length != values) {
            throw new IllegalArgumentException(
                    "a " + value + " per term: " + terms.length + " terms, " + values + " " + value + "s");
        }
        for (int i = 1; i < terms.length; i++) {
            if (terms[i - 1] >= terms[i]) {
                throw new IllegalArgumentException("term ids must ascend");
            }
        }
    }

    public int size() {
        return terms.length;
    }

    public int term(int i) {
        return terms[i];
    }

    public int count(int i) {
        return counts[i];
    }

    public int[] termIds() {
        return terms.clone();
    }

    /** The ids without a copy, for this package's vectors, which never change them. */
    int[] sharedTerms() {
        return terms;
    }
}
