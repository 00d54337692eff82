package io.paperalerts.relevance;

import java.util.Arrays;

/**
 * A text as weighted terms, sorted by term id, of unit length: the dot product of two is their
 * cosine similarity. Term ids are hashes of the analysed terms ({@link PaperTexts}).
 */
public final class TermVector {

    public static final TermVector EMPTY = new TermVector(new int[0], new double[0]);

    private final int[] terms;
    private final double[] weights;

    private TermVector(int[] terms, double[] weights) {
        this.terms = terms;
        this.weights = weights;
    }

    /**
     * @param terms ascending, never changed afterwards (the vector keeps the array)
     * @param weights per term; scaled here, in place, to unit length
     */
    static TermVector normalised(int[] terms, double[] weights) {
        double norm = 0;
        for (double w : weights) {
            norm += w * w;
        }
        if (norm == 0) {
            return EMPTY;
        }
        double scale = 1 / Math.sqrt(norm);
        for (int i = 0; i < weights.length; i++) {
            weights[i] *= scale;
        }
        return new TermVector(terms, weights);
    }

    /** A vector kept elsewhere ({@link #termIds}, {@link #termWeights}): term ids ascending, unit length. */
    public static TermVector ofSorted(int[] terms, double[] weights) {
        TermCounts.requireAscending(terms, weights.length, "weight");
        return new TermVector(terms.clone(), weights.clone());
    }

    public int[] termIds() {
        return terms.clone();
    }

    public double[] termWeights() {
        return weights.clone();
    }

    public int size() {
        return terms.length;
    }

    public int term(int i) {
        return terms[i];
    }

    public double weight(int i) {
        return weights[i];
    }

    /** The cosine similarity of two unit vectors. */
    public double dot(TermVector other) {
        return dot(terms, weights, other);
    }

    /** The dot product of weights by sorted term ids with a vector: one walk over both sorted lists. */
    static double dot(int[] terms, double[] weights, TermVector other) {
        double sum = 0;
        int i = 0;
        int j = 0;
        while (i < terms.length && j < other.terms.length) {
            if (terms[i] == other.terms[j]) {
                sum += weights[i++] * other.weights[j++];
            } else if (terms[i] < other.terms[j]) {
                i++;
            } else {
                j++;
            }
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TermVector other
                && Arrays.equals(terms, other.terms)
                && Arrays.equals(weights, other.weights);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(terms) * 31 + Arrays.hashCode(weights);
    }
}
