package io.paperalerts.ingest.format;

import io.paperalerts.ingest.format.XmlEntries.Element;
import io.paperalerts.schemas.Paper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The arXiv API's Atom feed, in today's format (namespaces on the root) and the legacy one
 * (namespaces on each element). arXiv reports errors as an entry whose id is an error URL: such an
 * entry is rejected with arXiv's message.
 */
public final class ArxivAtomParser {

    private ArxivAtomParser() {}

    public static List<PaperEntry> parse(byte[] content, String source) {
        return XmlEntries.papers(content, "entry", "entry", entry -> paper(entry, source));
    }

    private static Paper paper(Element entry, String source) {
        String rawId = entry.childText("id");
        if (rawId != null && rawId.contains("/api/errors")) {
            throw new IllegalArgumentException(
                    "arXiv reported an error: " + PaperLimits.oneLine(entry.childText("summary")));
        }
        ArxivId id = ArxivId.find(rawId);
        if (id == null) {
            throw new IllegalArgumentException(
                    "no arXiv id in <id>" + (rawId == null ? "" : PaperLimits.oneLine(rawId)) + "</id>");
        }
        String title = PaperLimits.oneLine(entry.childText("title"));
        if (title.isEmpty()) {
            throw new IllegalArgumentException("paper " + id.id() + " has no title");
        }
        List<String> authors = entry.all("author").stream()
                .map(a -> PaperLimits.oneLine(a.childText("name")))
                .filter(a -> !a.isEmpty())
                .toList();
        List<String> categories = new ArrayList<>();
        Element primary = entry.child("primary_category");
        if (primary != null && primary.attributes().get("term") != null) {
            categories.add(primary.attributes().get("term"));
        }
        for (Element category : entry.all("category")) {
            String term = category.attributes().get("term");
            if (term != null && !categories.contains(term)) {
                categories.add(term);
            }
        }
        // Links are derived from the canonical id: feeds mix http and https, versioned and not.
        return Paper.newBuilder()
                .setId(id.id())
                .setVersion(id.version())
                .setTitle(title)
                .setAbstractText(PaperLimits.oneLine(entry.childText("summary")))
                .setAuthors(authors)
                .setCategories(categories)
                .setPublished(instant(entry.childText("published"), "published"))
                .setUpdated(instant(entry.childText("updated"), "updated"))
                .setSource(source)
                .setUrl(id.absUrl())
                .setPdfUrl(id.pdfUrl())
                .build();
    }

    static Instant instant(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("<" + field + "> '" + text.strip() + "' is not a date-time");
        }
    }
}
