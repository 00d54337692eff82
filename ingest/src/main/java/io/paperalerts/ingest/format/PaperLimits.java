package io.paperalerts.ingest.format;

import io.paperalerts.papers.PaperUrls;
import io.paperalerts.schemas.Paper;

/** Sizes no real paper reaches: such records are rejected rather than published. */
public final class PaperLimits {

    public static final int MAX_ABSTRACT = 20_000;
    public static final int MAX_AUTHORS = 2_000;
    public static final int MAX_TITLE = 1_000;

    private PaperLimits() {}

    /** @return why the paper is refused, or {@code null} if it is acceptable */
    public static String problem(Paper paper) {
        if (paper.getTitle().length() > MAX_TITLE) {
            return "title of " + paper.getTitle().length() + " characters (at most " + MAX_TITLE + ")";
        }
        if (paper.getAbstractText().length() > MAX_ABSTRACT) {
            return "abstract of " + paper.getAbstractText().length() + " characters (at most " + MAX_ABSTRACT + ")";
        }
        if (paper.getAuthors().size() > MAX_AUTHORS) {
            return paper.getAuthors().size() + " authors (at most " + MAX_AUTHORS + ")";
        }
        return null;
    }

    /**
     * @return the paper, its links kept only if they are absolute http(s) URLs (a
     *     {@code javascript:} link is dropped, the paper is not)
     * @throws IllegalArgumentException naming the paper and the problem, if it has one
     */
    public static Paper check(Paper paper) {
        String problem = problem(paper);
        if (problem != null) {
            throw new IllegalArgumentException("paper " + paper.getId() + " has " + problem);
        }
        paper.setUrl(PaperUrls.httpOrNull(paper.getUrl()));
        paper.setPdfUrl(PaperUrls.httpOrNull(paper.getPdfUrl()));
        return paper;
    }

    /** Collapses whitespace and line breaks, as titles and abstracts arrive wrapped. */
    public static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }
}
