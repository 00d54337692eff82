package io.paperalerts.relevance;

import io.paperalerts.schemas.Paper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Papers as TF-IDF vectors over their title and abstract: Lucene's English analyzer (stop words
 * out, Porter stems), sublinear term frequency ({@code 1 + ln tf}), smoothed inverse document
 * frequency from the papers this instance has seen ({@link DocumentFrequencies}), unit length.
 * Term ids are hashes of the stems: a reader's model keeps weights only for the terms of the
 * papers they judged, so no vocabulary is shared or grows without bound.
 */
public final class PaperTexts {

    /** Thread-safe: Lucene keeps one token stream per thread. */
    private final Analyzer analyzer = new EnglishAnalyzer();

    /** Occurrences of each term in the paper's title and abstract. */
    public Map<Integer, Integer> counts(Paper paper) {
        Map<Integer, Integer> counts = new HashMap<>();
        add(counts, paper.getTitle());
        add(counts, paper.getAbstractText());
        return counts;
    }

    /** The paper's vector, with inverse document frequencies as known now. */
    public TermVector vector(Paper paper, DocumentFrequencies frequencies) {
        return vector(counts(paper), frequencies);
    }

    public static TermVector vector(Map<Integer, Integer> counts, DocumentFrequencies frequencies) {
        Map<Integer, Double> weights = new HashMap<>();
        counts.forEach((term, count) -> weights.put(term, (1 + Math.log(count)) * frequencies.idf(term)));
        return TermVector.normalised(weights);
    }

    private void add(Map<Integer, Integer> counts, String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        try (TokenStream tokens = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                counts.merge(id(term), 1, Integer::sum);
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot analyse a paper's text", e);
        }
    }

    /**
     * A 32-bit hash of the stem (FNV-1a over its chars). Among 100,000 distinct stems about one
     * pair collides, and then weighs as one term: noise a linear model over thousands of terms
     * does not notice, for no vocabulary to keep.
     */
    private static int id(CharTermAttribute term) {
        int hash = 0x811c9dc5;
        for (int i = 0; i < term.length(); i++) {
            hash ^= term.charAt(i);
            hash *= 0x01000193;
        }
        return hash;
    }
}
