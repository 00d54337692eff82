package io.paperalerts.matching;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * The one analyzer for papers and queries, so both sides see the same terms. Title and abstract:
 * Unicode word boundaries (hyphens and punctuation separate words), lower case, English stemming
 * (Porter), no stop words. Authors: the same without stemming. Categories: each value is one
 * lower-cased term ({@code cs.LG} -> {@code cs.lg}). Values of one field are {@link #POSITION_GAP}
 * positions apart, so a phrase never spans two authors, or the title and the abstract.
 */
public final class PaperAnalyzer extends Analyzer {

    /** Title and abstract, for bare words and phrases. */
    public static final String TEXT = "text";

    public static final String TITLE = "title";
    public static final String ABSTRACT = "abstract";
    public static final String AUTHOR = "author";
    public static final String CATEGORY = "category";

    public static final int POSITION_GAP = 100;

    /**
     * Each field its own chain: Lucene's default reuse strategy keeps one chain per thread for
     * every field, so the first field a thread analyzed decided how all the others were analyzed
     * (authors stemmed, or queries compiled without stemming after an {@code author:} query).
     */
    public PaperAnalyzer() {
        super(PER_FIELD_REUSE_STRATEGY);
    }

    @Override
    protected TokenStreamComponents createComponents(String field) {
        if (CATEGORY.equals(field)) {
            Tokenizer keyword = new KeywordTokenizer();
            return new TokenStreamComponents(keyword, new LowerCaseFilter(keyword));
        }
        Tokenizer words = new StandardTokenizer();
        TokenStream stream = new LowerCaseFilter(words);
        if (AUTHOR.equals(field)) {
            return new TokenStreamComponents(words, stream);
        }
        stream = new PorterStemFilter(new EnglishPossessiveFilter(stream));
        return new TokenStreamComponents(words, stream);
    }

    @Override
    protected TokenStream normalize(String field, TokenStream in) {
        return new LowerCaseFilter(in);
    }

    @Override
    public int getPositionIncrementGap(String field) {
        return POSITION_GAP;
    }
}
