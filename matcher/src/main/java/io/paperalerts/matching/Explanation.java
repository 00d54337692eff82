package io.paperalerts.matching;

import io.paperalerts.matching.AnalyzedPaper.Span;
import io.paperalerts.schemas.Paper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Why a query matched a paper: the words and phrases as they appear in the paper, and a short
 * snippet of the title or abstract around the first of them.
 *
 * @param cut where the snippet is cut from the paper, {@code null} when there is none: an alert
 *     that names its paper rather than carrying it keeps this instead of the text, and the text is
 *     cut again ({@link Cut#text}) from the stored paper
 */
public record Explanation(List<String> matched, String snippet, Cut cut) {

    /** Without a snippet. */
    public static Explanation of(List<String> matched) {
        return new Explanation(List.copyOf(matched), "", null);
    }

    /**
     * A range of the title or of the abstract, in characters.
     *
     * @param inTitle whether the range is of the title, else of the abstract
     */
    public record Cut(boolean inTitle, int from, int to) {

        /** The text of the paper this range was cut from: its title or its abstract. */
        public String source(Paper paper) {
            return inTitle ? paper.getTitle() : paper.getAbstractText();
        }

        /**
         * The snippet this range gives of its source, as {@link Explanation#snippet} is; {@code null}
         * if the source is too short for it (not the text it was cut from).
         */
        public String text(String source) {
            if (source == null || from < 0 || from > to || to > source.length()) {
                return null;
            }
            return (from > 0 ? "\u2026 " : "")
                    + source.substring(from, to).strip()
                    + (to < source.length() ? " \u2026" : "");
        }
    }

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
        if (first == null) {
            return of(List.copyOf(matched));
        }
        Cut cut = cut(first, first.source() == paper.paper().getTitle());
        return new Explanation(List.copyOf(matched), cut.text(first.source()), cut);
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

    private static Cut cut(Span span, boolean inTitle) {
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
        return new Cut(inTitle, from, to);
    }
}
