package io.paperalerts.relevance;

import io.paperalerts.schemas.Paper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
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
    public TermCounts counts(Paper paper) {
        Occurrences occurrences = new Occurrences();
        add(occurrences, paper.getTitle());
        add(occurrences, paper.getAbstractText());
        return TermCounts.ofOccurrences(occurrences.ids, occurrences.length);
    }

    /** The paper's vector, with inverse document frequencies as known now. */
    public TermVector vector(Paper paper, DocumentFrequencies frequencies) {
        return vector(counts(paper), frequencies);
    }

    public static TermVector vector(TermCounts counts, DocumentFrequencies frequencies) {
        double[] weights = new double[counts.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (1 + Math.log(counts.count(i))) * frequencies.idf(counts.term(i));
        }
        return TermVector.normalised(counts.sharedTerms(), weights);
    }

    private static final class Occurrences {
        int[] ids = new int[256];
        int length;

        void add(int id) {
            if (length == ids.length) {
                ids = Arrays.copyOf(ids, length * 2);
            }
            ids[length++] = id;
        }
    }

    private void add(Occurrences occurrences, String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        try (TokenStream tokens = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                occurrences.add(id(term));
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
