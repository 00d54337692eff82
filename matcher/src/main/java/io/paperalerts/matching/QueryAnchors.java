package io.paperalerts.matching;

import io.paperalerts.matching.QueryIndex.Anchor;
import java.util.ArrayList;
import java.util.List;

/** Chooses where an index files a query: the rarest words that any paper it matches must hold. */
final class QueryAnchors {

    private final TermStatistics statistics;

    QueryAnchors(TermStatistics statistics) {
        this.statistics = statistics;
    }

    static int group(String field) {
        return switch (field) {
            case PaperAnalyzer.AUTHOR -> QueryIndex.AUTHOR;
            case PaperAnalyzer.CATEGORY -> QueryIndex.CATEGORY;
            default -> QueryIndex.TEXT;
        };
    }

    /**
     * Anchors such that any paper the query matches holds at least one of them; empty for a
     * query that can match nothing; {@code null} if there are none (never for an accepted query).
     */
    List<Anchor> of(Node node) {
        if (node instanceof Node.Term term) {
            return List.of(new Anchor(group(term.field()), false, term.term()));
        }
        if (node instanceof Node.Phrase phrase) {
            Anchor best = null;
            for (String term : phrase.terms()) {
                Anchor anchor = new Anchor(group(phrase.field()), false, term);
                if (best == null || statistics.cost(anchor) < statistics.cost(best)) {
                    best = anchor;
                }
            }
            return List.of(best);
        }
        if (node instanceof Node.Prefix prefix) {
            return List.of(new Anchor(group(prefix.field()), true, prefix.prefix()));
        }
        if (node instanceof Node.MinUpvotes) {
            // A number, not a term: the query is filed under its words.
            return null;
        }
        if (node instanceof Node.Bool bool) {
            if (bool.must().isEmpty() && bool.should().isEmpty()) {
                return List.of();
            }
            if (!bool.must().isEmpty()) {
                List<Anchor> best = null;
                double bestCost = Double.MAX_VALUE;
                for (Node child : bool.must()) {
                    List<Anchor> anchors = of(child);
                    if (anchors == null) {
                        continue;
                    }
                    double cost = anchors.stream().mapToDouble(statistics::cost).sum();
                    if (cost < bestCost) {
                        best = anchors;
                        bestCost = cost;
                    }
                }
                return best;
            }
            List<Anchor> any = new ArrayList<>();
            for (Node child : bool.should()) {
                List<Anchor> anchors = of(child);
                if (anchors == null) {
                    return null;
                }
                any.addAll(anchors);
            }
            return any.stream().distinct().toList();
        }
        return List.of();
    }
}
