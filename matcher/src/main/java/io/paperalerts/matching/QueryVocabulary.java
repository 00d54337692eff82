package io.paperalerts.matching;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One String per distinct term and one anchor per distinct anchor across all queries of an index:
 * a million queries share a vocabulary. Used under the index's write lock.
 */
final class QueryVocabulary {

    private final Map<String, String> strings = new HashMap<>();
    private final Map<QueryIndex.Anchor, QueryIndex.Anchor> anchors = new HashMap<>();

    QueryIndex.Anchor intern(QueryIndex.Anchor anchor) {
        return anchors.computeIfAbsent(
                new QueryIndex.Anchor(anchor.group(), anchor.prefix(), intern(anchor.text())), a -> a);
    }

    String intern(String text) {
        return strings.computeIfAbsent(text, k -> k);
    }

    /** The same query with its strings shared with every other query's: a million queries share a vocabulary. */
    Node intern(Node node) {
        if (node instanceof Node.Term term) {
            return new Node.Term(intern(term.field()), intern(term.term()));
        }
        if (node instanceof Node.Prefix prefix) {
            return new Node.Prefix(intern(prefix.field()), intern(prefix.prefix()));
        }
        if (node instanceof Node.Phrase phrase) {
            String[] texts = new String[phrase.terms().length];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = intern(phrase.terms()[i]);
            }
            return new Node.Phrase(intern(phrase.field()), texts, phrase.offsets());
        }
        if (node instanceof Node.Bool bool) {
            return new Node.Bool(
                    internAll(bool.must()), internAll(bool.should()), internAll(bool.mustNot()), bool.minShould());
        }
        return node;
    }

    private List<Node> internAll(List<Node> nodes) {
        return nodes.isEmpty() ? List.of() : nodes.stream().map(this::intern).toList();
    }
}
