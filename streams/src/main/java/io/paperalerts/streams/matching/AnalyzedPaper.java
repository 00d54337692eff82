package io.paperalerts.streams.matching;

import io.paperalerts.schemas.Paper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * A paper as the matcher sees it: for each field, each analyzed term and its positions. The
 * {@code text} field is the title followed by the abstract, a position gap apart.
 */
public final class AnalyzedPaper {

    private static final int[] NONE = new int[0];

    private final Paper paper;
    private final Map<String, Map<String, int[]>> fields;
    private final Map<String, String[]> sortedTerms = new HashMap<>();
    private final Offsets titleOffsets;
    private final Offsets abstractOffsets;
    private final int abstractStart;

    private AnalyzedPaper(Paper paper, Map<String, Map<String, int[]>> fields, Offsets titleOffsets,
            Offsets abstractOffsets, int abstractStart) {
        this.paper = paper;
        this.fields = fields;
        this.titleOffsets = titleOffsets;
        this.abstractOffsets = abstractOffsets;
        this.abstractStart = abstractStart;
    }

    public Paper paper() {
        return paper;
    }

    public static AnalyzedPaper of(Paper paper, Analyzer analyzer) {
        Map<String, Map<String, int[]>> fields = new HashMap<>();
        Positions title = new Positions();
        Offsets titleOffsets = new Offsets();
        int end = analyze(analyzer, PaperAnalyzer.TITLE, List.of(paper.getTitle()), title, titleOffsets);
        Positions abstractText = new Positions();
        Offsets abstractOffsets = new Offsets();
        analyze(analyzer, PaperAnalyzer.ABSTRACT, List.of(paper.getAbstractText()), abstractText, abstractOffsets);
        Positions text = new Positions();
        text.addAll(title, 0);
        text.addAll(abstractText, end + PaperAnalyzer.POSITION_GAP);
        Positions authors = new Positions();
        analyze(analyzer, PaperAnalyzer.AUTHOR, paper.getAuthors(), authors, null);
        Positions categories = new Positions();
        analyze(analyzer, PaperAnalyzer.CATEGORY, paper.getCategories(), categories, null);
        fields.put(PaperAnalyzer.TEXT, text.freeze());
        fields.put(PaperAnalyzer.TITLE, title.freeze());
        fields.put(PaperAnalyzer.ABSTRACT, abstractText.freeze());
        fields.put(PaperAnalyzer.AUTHOR, authors.freeze());
        fields.put(PaperAnalyzer.CATEGORY, categories.freeze());
        return new AnalyzedPaper(paper, fields, titleOffsets, abstractOffsets, end + PaperAnalyzer.POSITION_GAP);
    }

    /**
     * Where a position of the {@code text}, {@code title} or {@code abstract} field is in the
     * paper: the source text and the character range, or {@code null}.
     */
    public Span span(String field, int position) {
        boolean inTitle = PaperAnalyzer.TITLE.equals(field)
                || PaperAnalyzer.TEXT.equals(field) && position < abstractStart;
        if (inTitle) {
            return titleOffsets.span(paper.getTitle(), position);
        }
        if (PaperAnalyzer.ABSTRACT.equals(field)) {
            return abstractOffsets.span(paper.getAbstractText(), position);
        }
        if (PaperAnalyzer.TEXT.equals(field)) {
            return abstractOffsets.span(paper.getAbstractText(), position - abstractStart);
        }
        return null;
    }

    /** A range of characters of a source text. */
    public record Span(String source, int start, int end) {
        public String text() {
            return source.substring(start, end);
        }
    }

    private static final class Offsets {
        private int[] starts = new int[64];
        private int[] ends = new int[64];

        void put(int position, int start, int end) {
            if (position >= starts.length) {
                int size = Math.max(position + 1, starts.length * 2);
                starts = Arrays.copyOf(starts, size);
                ends = Arrays.copyOf(ends, size);
            }
            starts[position] = start;
            ends[position] = end;
        }

        Span span(String source, int position) {
            if (position < 0 || position >= starts.length || ends[position] == 0) {
                return null;
            }
            return new Span(source, starts[position], ends[position]);
        }
    }

    /** @return the next free position after the values */
    private static int analyze(Analyzer analyzer, String field, List<String> values, Positions into, Offsets offsets) {
        int position = -1;
        boolean first = true;
        for (String value : values) {
            if (!first) {
                position += analyzer.getPositionIncrementGap(field);
            }
            first = false;
            try (TokenStream stream = analyzer.tokenStream(field, value)) {
                CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
                PositionIncrementAttribute increment = stream.addAttribute(PositionIncrementAttribute.class);
                OffsetAttribute offset = stream.addAttribute(OffsetAttribute.class);
                stream.reset();
                while (stream.incrementToken()) {
                    position += increment.getPositionIncrement();
                    into.add(term.toString(), position);
                    if (offsets != null) {
                        offsets.put(position, offset.startOffset(), offset.endOffset());
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

    /** The field's terms and their sorted positions. */
    public Map<String, int[]> terms(String field) {
        return fields.getOrDefault(field, Map.of());
    }

    public int[] positions(String field, String term) {
        int[] positions = terms(field).get(term);
        return positions == null ? NONE : positions;
    }

    public boolean has(String field, String term) {
        return terms(field).containsKey(term);
    }

    /** Whether some term of the field starts with {@code prefix}. */
    public boolean hasPrefix(String field, String prefix) {
        String[] sorted = sortedTerms.computeIfAbsent(field, f -> {
            String[] terms = terms(f).keySet().toArray(new String[0]);
            Arrays.sort(terms);
            return terms;
        });
        int at = Arrays.binarySearch(sorted, prefix);
        int next = at >= 0 ? at : -at - 1;
        return next < sorted.length && sorted[next].startsWith(prefix);
    }

    /** Terms of a field starting with {@code prefix}, for explanations. */
    public List<String> termsWithPrefix(String field, String prefix) {
        return terms(field).keySet().stream().filter(t -> t.startsWith(prefix)).sorted().toList();
    }

    private static final class Positions {
        private final Map<String, int[]> byTerm = new HashMap<>();
        private final Map<String, Integer> counts = new HashMap<>();

        void add(String term, int position) {
            int count = counts.merge(term, 1, Integer::sum);
            int[] positions = byTerm.get(term);
            if (positions == null) {
                positions = new int[2];
                byTerm.put(term, positions);
            } else if (count > positions.length) {
                positions = Arrays.copyOf(positions, positions.length * 2);
                byTerm.put(term, positions);
            }
            positions[count - 1] = position;
        }

        void addAll(Positions other, int offset) {
            other.byTerm.forEach((term, positions) -> {
                int n = other.counts.get(term);
                for (int i = 0; i < n; i++) {
                    add(term, positions[i] + offset);
                }
            });
        }

        Map<String, int[]> freeze() {
            Map<String, int[]> frozen = new HashMap<>(byTerm.size() * 2);
            byTerm.forEach((term, positions) -> {
                int[] exact = Arrays.copyOf(positions, counts.get(term));
                Arrays.sort(exact);
                frozen.put(term, exact);
            });
            return frozen;
        }
    }
}
