package io.paperalerts.matching;

import io.paperalerts.schemas.Paper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * A paper as the matcher sees it: for each field, each analyzed term and its positions. The title
 * and the abstract are analyzed once, into the {@code text} field, the abstract a position gap
 * after the title; {@code title:} and {@code abstract:} are the two ranges of it.
 */
public final class AnalyzedPaper {

    private final Paper paper;
    /** Per term: {@code [count, position, position, ...]}, positions ascending. */
    private final Map<String, int[]> text;

    private final Map<String, int[]> authors;
    private final Map<String, int[]> categories;
    /** Per field group ({@link QueryIndex#TEXT}, ...): its distinct terms in the order they first appear. */
    private final List<List<String>> distinct;

    private final int abstractStart;
    private final int[] offsets;
    private String[] sortedText;
    /** While the index matches this paper: its prefix keys, and per group those some term starts with. */
    private PrefixPostings[] prefixKeys;

    private BitSet[] markedPrefixes;

    private AnalyzedPaper(
            Paper paper,
            Map<String, int[]> text,
            Map<String, int[]> authors,
            Map<String, int[]> categories,
            List<List<String>> distinct,
            int abstractStart,
            int[] offsets) {
        this.paper = paper;
        this.text = text;
        this.authors = authors;
        this.categories = categories;
        this.distinct = distinct;
        this.abstractStart = abstractStart;
        this.offsets = offsets;
    }

    public static AnalyzedPaper of(Paper paper, Analyzer analyzer) {
        Map<String, int[]> text = new HashMap<>(256);
        List<String> textTerms = new ArrayList<>(192);
        int[][] offsets = {new int[512]};
        int end = analyze(analyzer, PaperAnalyzer.TEXT, List.of(paper.getTitle()), text, textTerms, 0, offsets);
        int abstractStart = end + PaperAnalyzer.POSITION_GAP;
        analyze(
                analyzer,
                PaperAnalyzer.TEXT,
                List.of(paper.getAbstractText()),
                text,
                textTerms,
                abstractStart,
                offsets);
        Map<String, int[]> authors = new HashMap<>();
        List<String> authorTerms = new ArrayList<>();
        analyze(analyzer, PaperAnalyzer.AUTHOR, paper.getAuthors(), authors, authorTerms, 0, null);
        Map<String, int[]> categories = new HashMap<>();
        List<String> categoryTerms = new ArrayList<>();
        analyze(analyzer, PaperAnalyzer.CATEGORY, paper.getCategories(), categories, categoryTerms, 0, null);
        return new AnalyzedPaper(
                paper,
                text,
                authors,
                categories,
                List.of(textTerms, authorTerms, categoryTerms),
                abstractStart,
                offsets[0]);
    }

    /** @return the next free position after the values */
    private static int analyze(
            Analyzer analyzer,
            String field,
            List<String> values,
            Map<String, int[]> into,
            List<String> order,
            int start,
            int[][] offsets) {
        int position = start - 1;
        boolean first = true;
        for (String value : values) {
            if (!first) {
                position += analyzer.getPositionIncrementGap(field);
            }
            first = false;
            try (TokenStream stream = analyzer.tokenStream(field, value)) {
                CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
                PositionIncrementAttribute increment = stream.addAttribute(PositionIncrementAttribute.class);
                OffsetAttribute offset = offsets == null ? null : stream.addAttribute(OffsetAttribute.class);
                stream.reset();
                while (stream.incrementToken()) {
                    position += increment.getPositionIncrement();
                    String key = term.toString();
                    int[] positions = into.get(key);
                    if (positions == null) {
                        order.add(key);
                    }
                    int[] appended = append(positions, position);
                    if (appended != positions) {
                        into.put(key, appended);
                    }
                    if (offset != null) {
                        if (2 * position + 1 >= offsets[0].length) {
                            offsets[0] = Arrays.copyOf(offsets[0], Math.max(offsets[0].length * 2, 2 * position + 2));
                        }
                        offsets[0][2 * position] = offset.startOffset();
                        offsets[0][2 * position + 1] = offset.endOffset();
                    }
                }
                stream.end();
                position += increment.getPositionIncrement();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot analyze " + field, e);
            }
        }
        return position + 1;
    }

    private static int[] append(int[] positions, int position) {
        if (positions == null) {
            return new int[] {1, position, 0};
        }
        int count = positions[0];
        if (count + 1 >= positions.length) {
            positions = Arrays.copyOf(positions, positions.length * 2);
        }
        positions[count + 1] = position;
        positions[0] = count + 1;
        return positions;
    }

    public Paper paper() {
        return paper;
    }

    /** The terms of the {@code text} (title and abstract), {@code author} or {@code category} field. */
    public Map<String, int[]> terms(String field) {
        return switch (field) {
            case PaperAnalyzer.AUTHOR -> authors;
            case PaperAnalyzer.CATEGORY -> categories;
            default -> text;
        };
    }

    /** The distinct terms of a field group ({@link QueryIndex#TEXT}, ...), in the order they first appear. */
    List<String> distinctTerms(int group) {
        return distinct.get(group);
    }

    /** Positions of a term in a field, ascending. */
    public int[] positions(String field, String term) {
        int[] raw = terms(field).get(term);
        if (raw == null) {
            return new int[0];
        }
        int from = 1;
        int to = raw[0] + 1;
        if (PaperAnalyzer.TITLE.equals(field)) {
            to = lowerBound(raw, abstractStart);
        } else if (PaperAnalyzer.ABSTRACT.equals(field)) {
            from = lowerBound(raw, abstractStart);
        }
        return Arrays.copyOfRange(raw, from, to);
    }

    /** The first position of a term in a field, or -1. */
    int firstPosition(String field, String term) {
        int[] raw = terms(field).get(term);
        if (raw == null) {
            return -1;
        }
        int at = PaperAnalyzer.ABSTRACT.equals(field) ? lowerBound(raw, abstractStart) : 1;
        if (at > raw[0] || (PaperAnalyzer.TITLE.equals(field) && raw[at] >= abstractStart)) {
            return -1;
        }
        return raw[at];
    }

    /** First index in {@code raw[1..count]} holding a position >= {@code position}. */
    private static int lowerBound(int[] raw, int position) {
        int at = Arrays.binarySearch(raw, 1, raw[0] + 1, position);
        return at >= 0 ? at : -at - 1;
    }

    public boolean has(String field, String term) {
        int[] raw = terms(field).get(term);
        if (raw == null) {
            return false;
        }
        if (PaperAnalyzer.TITLE.equals(field)) {
            return raw[1] < abstractStart;
        }
        if (PaperAnalyzer.ABSTRACT.equals(field)) {
            return raw[raw[0]] >= abstractStart;
        }
        return true;
    }

    /**
     * Set by {@link QueryIndex#match} for the time it verifies this paper, {@code null} after:
     * a prefix that is a key of the group's postings is there if it is marked.
     */
    void markPrefixes(PrefixPostings[] keys, BitSet[] marked) {
        this.prefixKeys = keys;
        this.markedPrefixes = marked;
    }

    /** Whether some term of the field starts with {@code prefix}. */
    public boolean hasPrefix(String field, String prefix) {
        if (PaperAnalyzer.TITLE.equals(field) || PaperAnalyzer.ABSTRACT.equals(field)) {
            return termsWithPrefix(field, prefix).stream().anyMatch(t -> has(field, t));
        }
        if (prefixKeys != null) {
            int group = PaperAnalyzer.AUTHOR.equals(field)
                    ? QueryIndex.AUTHOR
                    : PaperAnalyzer.CATEGORY.equals(field) ? QueryIndex.CATEGORY : QueryIndex.TEXT;
            int slot = prefixKeys[group].find(prefix, prefix.length(), prefix.hashCode());
            if (slot >= 0 && markedPrefixes[group] != null) {
                return markedPrefixes[group].get(slot);
            }
        }
        String[] sorted = sorted(field);
        int at = Arrays.binarySearch(sorted, prefix);
        int next = at >= 0 ? at : -at - 1;
        return next < sorted.length && sorted[next].startsWith(prefix);
    }

    /** Terms of the field starting with {@code prefix}, in order. */
    public List<String> termsWithPrefix(String field, String prefix) {
        String[] sorted = sorted(field);
        int at = Arrays.binarySearch(sorted, prefix);
        int from = at >= 0 ? at : -at - 1;
        int to = from;
        while (to < sorted.length && sorted[to].startsWith(prefix)) {
            to++;
        }
        return Arrays.stream(sorted, from, to).filter(t -> has(field, t)).toList();
    }

    private String[] sorted(String field) {
        if (PaperAnalyzer.AUTHOR.equals(field) || PaperAnalyzer.CATEGORY.equals(field)) {
            String[] terms = terms(field).keySet().toArray(new String[0]);
            Arrays.sort(terms);
            return terms;
        }
        if (sortedText == null) {
            sortedText = text.keySet().toArray(new String[0]);
            Arrays.sort(sortedText);
        }
        return sortedText;
    }

    /**
     * Where a position of the {@code text}, {@code title} or {@code abstract} field is in the
     * paper: the source text and the character range, or {@code null}.
     */
    public Span span(String field, int position) {
        if (PaperAnalyzer.AUTHOR.equals(field)
                || PaperAnalyzer.CATEGORY.equals(field)
                || 2 * position + 1 >= offsets.length
                || offsets[2 * position + 1] == 0) {
            return null;
        }
        String source = position < abstractStart ? paper.getTitle() : paper.getAbstractText();
        return new Span(source, offsets[2 * position], offsets[2 * position + 1]);
    }

    /** A range of characters of a source text. */
    public record Span(String source, int start, int end) {
        public String text() {
            return source.substring(start, end);
        }
    }
}
