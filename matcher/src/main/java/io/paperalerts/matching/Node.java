package io.paperalerts.matching;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A compiled query: a small boolean program over a paper's analyzed terms and positions, with the
 * semantics of the Lucene query it was compiled from.
 */
public sealed interface Node {

    boolean matches(AnalyzedPaper paper);

    /** Visits the leaves that match in the paper, to explain a match. */
    void matchedLeaves(AnalyzedPaper paper, Consumer<Node> sink);

    int leaves();

    /** A single condition on the paper; a matched leaf is part of the explanation. */
    sealed interface Leaf extends Node {
        @Override
        default void matchedLeaves(AnalyzedPaper paper, Consumer<Node> sink) {
            if (matches(paper)) {
                sink.accept(this);
            }
        }

        @Override
        default int leaves() {
            return 1;
        }
    }

    /** One term in one field. */
    record Term(String field, String term) implements Leaf {
        @Override
        public boolean matches(AnalyzedPaper paper) {
            return paper.has(field, term);
        }
    }

    /** Terms at fixed relative positions (a quoted phrase). */
    record Phrase(String field, String[] terms, int[] offsets) implements Leaf {
        @Override
        public boolean matches(AnalyzedPaper paper) {
            int[] first = paper.positions(field, terms[0]);
            if (first.length == 0) {
                return false;
            }
            int[][] others = new int[terms.length][];
            for (int i = 1; i < terms.length; i++) {
                others[i] = paper.positions(field, terms[i]);
                if (others[i].length == 0) {
                    return false;
                }
            }
            outer:
            for (int start : first) {
                for (int i = 1; i < terms.length; i++) {
                    if (Arrays.binarySearch(others[i], start + offsets[i] - offsets[0]) < 0) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Phrase p
                    && field.equals(p.field)
                    && Arrays.equals(terms, p.terms)
                    && Arrays.equals(offsets, p.offsets);
        }

        @Override
        public int hashCode() {
            return field.hashCode() * 31 + Arrays.hashCode(terms);
        }

        @Override
        public String toString() {
            return field + ":\"" + String.join(" ", terms) + "\"";
        }
    }

    /** Some term of the field starts with the prefix (a trailing wildcard). */
    record Prefix(String field, String prefix) implements Leaf {
        @Override
        public boolean matches(AnalyzedPaper paper) {
            return paper.hasPrefix(field, prefix);
        }
    }

    /** The paper has at least {@code min} upvotes ({@code upvotes:>=N}); one without an upvote count has none. */
    record MinUpvotes(int min) implements Leaf {
        @Override
        public boolean matches(AnalyzedPaper paper) {
            Integer upvotes = paper.paper().getUpvotes();
            return upvotes != null && upvotes >= min;
        }

        @Override
        public String toString() {
            return QueryCompiler.UPVOTES + ":>=" + min;
        }
    }

    /**
     * Lucene's BooleanQuery: every {@code must}, none of {@code mustNot}, and at least
     * {@code minShould} of {@code should} (1 when there is no {@code must}). Without any positive
     * clause it matches nothing, as in Lucene.
     */
    record Bool(List<Node> must, List<Node> should, List<Node> mustNot, int minShould) implements Node {
        @Override
        public boolean matches(AnalyzedPaper paper) {
            if (must.isEmpty() && should.isEmpty()) {
                return false;
            }
            for (Node node : must) {
                if (!node.matches(paper)) {
                    return false;
                }
            }
            for (Node node : mustNot) {
                if (node.matches(paper)) {
                    return false;
                }
            }
            int required = must.isEmpty() ? Math.max(1, minShould) : minShould;
            if (required == 0) {
                return true;
            }
            int matched = 0;
            for (Node node : should) {
                if (node.matches(paper) && ++matched >= required) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void matchedLeaves(AnalyzedPaper paper, Consumer<Node> sink) {
            must.forEach(n -> n.matchedLeaves(paper, sink));
            should.forEach(n -> n.matchedLeaves(paper, sink));
        }

        @Override
        public int leaves() {
            return must.stream().mapToInt(Node::leaves).sum()
                    + should.stream().mapToInt(Node::leaves).sum()
                    + mustNot.stream().mapToInt(Node::leaves).sum();
        }
    }

    /** Matches nothing, e.g. a phrase of punctuation only. */
    record Nothing() implements Node {
        @Override
        public boolean matches(AnalyzedPaper paper) {
            return false;
        }

        @Override
        public void matchedLeaves(AnalyzedPaper paper, Consumer<Node> sink) {}

        @Override
        public int leaves() {
            return 0;
        }
    }
}
