package io.paperalerts.matching;

import io.paperalerts.matching.AnalyzedPaper.Span;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Why a query matched a paper: the words and phrases as they appear in the paper, and a short
 * snippet of the title or abstract around the first of them.
 */
public record Explanation(List<String> matched, String snippet) {

    static final int BEFORE = 60;
    static final int AFTER = 100;

    // A span's source is the very title or abstract string it was cut from: identity says which.
    @SuppressWarnings("ReferenceEquality")
    public static Explanation of(Node query, AnalyzedPaper paper) {
        Set<String> matched = new LinkedHashSet<>();
        List<Span> spans = new ArrayList<>();
        query.matchedLeaves(paper, leaf -> {
            Span span = firstSpan(leaf, paper);
            if (span != null) {
                spans.add(span);
                matched.add(span.text());
            } else {
                matched.add(describe(leaf, paper));
            }
        });
        // The earliest span, the title's before the abstract's.
        Span first = null;
        for (Span span : spans) {
            if (first == null
                    || (span.source() == first.source()
                            ? span.start() < first.start()
                            : span.source() == paper.paper().getTitle())) {
                first = span;
            }
        }
        return new Explanation(List.copyOf(matched), first == null ? "" : snippet(first));
    }

    @SuppressWarnings("ReferenceEquality")
    private static Span firstSpan(Node leaf, AnalyzedPaper paper) {
        if (leaf instanceof Node.Term term) {
            int position = paper.firstPosition(term.field(), term.term());
            return position < 0 ? null : paper.span(term.field(), position);
        }
        if (leaf instanceof Node.Prefix prefix) {
            for (String term : paper.termsWithPrefix(prefix.field(), prefix.prefix())) {
                Span span = spanAt(paper, prefix.field(), paper.positions(prefix.field(), term), 0);
                if (span != null) {
                    return span;
                }
            }
            return null;
        }
        if (leaf instanceof Node.Phrase phrase) {
            int[] starts = paper.positions(phrase.field(), phrase.terms()[0]);
            for (int start : starts) {
                if (phraseAt(phrase, paper, start)) {
                    Span from = paper.span(phrase.field(), start);
                    int last = phrase.offsets().length - 1;
                    Span to = paper.span(phrase.field(), start + phrase.offsets()[last] - phrase.offsets()[0]);
                    if (from != null && to != null && from.source() == to.source()) {
                        return new Span(from.source(), from.start(), to.end());
                    }
                }
            }
        }
        return null;
    }

    private static boolean phraseAt(Node.Phrase phrase, AnalyzedPaper paper, int start) {
        for (int i = 1; i < phrase.terms().length; i++) {
            int want = start + phrase.offsets()[i] - phrase.offsets()[0];
            if (Arrays.binarySearch(paper.positions(phrase.field(), phrase.terms()[i]), want) < 0) {
                return false;
            }
        }
        return true;
    }

    private static Span spanAt(AnalyzedPaper paper, String field, int[] positions, int index) {
        return positions.length > index ? paper.span(field, positions[index]) : null;
    }

    private static String describe(Node leaf, AnalyzedPaper paper) {
        if (leaf instanceof Node.Term term && PaperAnalyzer.CATEGORY.equals(term.field())) {
            return paper.paper().getCategories().stream()
                    .filter(c -> c.toLowerCase(Locale.ROOT).equals(term.term()))
                    .findFirst()
                    .orElse(term.term());
        }
        if (leaf instanceof Node.Term term && PaperAnalyzer.AUTHOR.equals(term.field())) {
            return paper.paper().getAuthors().stream()
                    .filter(a -> a.toLowerCase(Locale.ROOT).contains(term.term()))
                    .findFirst()
                    .orElse(term.term());
        }
        if (leaf instanceof Node.Prefix prefix) {
            return prefix.prefix() + "*";
        }
        if (leaf instanceof Node.MinUpvotes) {
            Integer upvotes = paper.paper().getUpvotes();
            return upvotes + (upvotes == 1 ? " upvote" : " upvotes");
        }
        return leaf.toString();
    }

    private static String snippet(Span span) {
        String source = span.source();
        int from = Math.max(0, span.start() - BEFORE);
        int to = Math.min(source.length(), span.end() + AFTER);
        if (from > 0) {
            int space = source.indexOf(' ', from);
            from = space >= 0 && space < span.start() ? space + 1 : from;
        }
        if (to < source.length()) {
            int space = source.lastIndexOf(' ', to);
            to = space > span.end() ? space : to;
        }
        return (from > 0 ? "… " : "") + source.substring(from, to).strip() + (to < source.length() ? " …" : "");
    }
}
