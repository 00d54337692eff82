package io.paperalerts.matching;

import io.paperalerts.matching.QueryIndex.Anchor;

/** One filed query. Identity equality: candidates are de-duplicated by identity, cheaply. */
public final class FiledQuery {
    private final String id;
    private final Node root;
    private final Anchor[] anchors;
    /** The query is its single anchor, so any paper reaching it through the anchor matches. */
    final boolean exact;
    /** Filed under several anchors, which one paper may all hold (kept here: the array is another cache miss). */
    final boolean several;

    FiledQuery(String id, Node root, Anchor[] anchors) {
        this.id = id;
        this.root = root;
        this.anchors = anchors;
        this.exact = anchors.length == 1 && isAnchor(root, anchors[0]);
        this.several = anchors.length > 1;
    }

    private static boolean isAnchor(Node root, Anchor anchor) {
        if (root instanceof Node.Term term) {
            return !anchor.prefix()
                    && QueryIndex.isGroupField(term.field())
                    && term.term().equals(anchor.text());
        }
        return root instanceof Node.Prefix prefix
                && anchor.prefix()
                && QueryIndex.isGroupField(prefix.field())
                && prefix.prefix().equals(anchor.text());
    }

    public String id() {
        return id;
    }

    public Node root() {
        return root;
    }

    Anchor[] anchors() {
        return anchors;
    }
}
