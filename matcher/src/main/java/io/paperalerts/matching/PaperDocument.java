package io.paperalerts.matching;

import io.paperalerts.schemas.Paper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.TextField;

/**
 * A paper as a Lucene document with the fields the query language names, for Lucene's own
 * engines (Lucene Monitor, the reference in tests and benchmarks).
 */
public final class PaperDocument {

    private PaperDocument() {}

    public static Document of(Paper paper) {
        Document document = new Document();
        document.add(new TextField(PaperAnalyzer.TEXT, paper.getTitle(), Field.Store.NO));
        document.add(new TextField(PaperAnalyzer.TEXT, paper.getAbstractText(), Field.Store.NO));
        document.add(new TextField(PaperAnalyzer.TITLE, paper.getTitle(), Field.Store.NO));
        document.add(new TextField(PaperAnalyzer.ABSTRACT, paper.getAbstractText(), Field.Store.NO));
        paper.getAuthors().forEach(a -> document.add(new TextField(PaperAnalyzer.AUTHOR, a, Field.Store.NO)));
        paper.getCategories().forEach(c -> document.add(new TextField(PaperAnalyzer.CATEGORY, c, Field.Store.NO)));
        if (paper.getUpvotes() != null) {
            // What the compiled upvotes:>=N (a point range) matches in Lucene.
            document.add(new IntPoint(QueryCompiler.UPVOTES, paper.getUpvotes()));
        }
        return document;
    }
}
