package io.paperalerts.ingest.format;

import io.paperalerts.ingest.format.XmlEntries.Element;
import io.paperalerts.schemas.Paper;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * A page of arXiv's OAI-PMH {@code ListRecords} in {@code oai_dc}: one record per paper, authors
 * as "Last, First", dates of the versions, the abstract in the first {@code dc:description}.
 * Dublin Core names subjects, not arXiv categories, so categories stay empty. Deleted records are
 * skipped.
 */
public final class ArxivOaiParser {

    private ArxivOaiParser() {}

    public static List<PaperEntry> parse(byte[] content, String source) {
        return XmlEntries.papers(content, "record", "record", record -> {
            Element header = record.child("header");
            boolean deleted =
                    header != null && "deleted".equals(header.attributes().get("status"));
            return deleted ? null : paper(record, source);
        });
    }

    private static Paper paper(Element record, String source) {
        Element header = record.child("header");
        Element metadata = record.child("metadata");
        Element dc = metadata == null ? null : metadata.child("dc");
        if (dc == null) {
            throw new IllegalArgumentException("no oai_dc metadata");
        }
        ArxivId id = ArxivId.find(header == null ? null : header.childText("identifier"));
        if (id == null) {
            id = dc.all("identifier").stream()
                    .map(i -> ArxivId.find(i.text()))
                    .filter(i -> i != null)
                    .findFirst()
                    .orElse(null);
        }
        if (id == null) {
            throw new IllegalArgumentException("no arXiv id in the header or dc:identifier");
        }
        String title = PaperLimits.oneLine(dc.childText("title"));
        if (title.isEmpty()) {
            throw new IllegalArgumentException("paper " + id.id() + " has no title");
        }
        List<String> authors = dc.all("creator").stream()
                .map(c -> firstLast(PaperLimits.oneLine(c.text())))
                .filter(a -> !a.isEmpty())
                .toList();
        List<Element> dates = dc.all("date");
        return Paper.newBuilder()
                .setId(id.id())
                .setVersion(Math.max(1, dates.size()))
                .setTitle(title)
                .setAbstractText(PaperLimits.oneLine(dc.childText("description")))
                .setAuthors(authors)
                .setCategories(List.of())
                .setPublished(dates.isEmpty() ? null : day(dates.get(0).text()))
                .setUpdated(
                        dates.isEmpty() ? null : day(dates.get(dates.size() - 1).text()))
                .setSource(source)
                .setUrl(id.absUrl())
                .setPdfUrl(id.pdfUrl())
                .build();
    }

    /** "Mosca, Edoardo" is Edoardo Mosca. */
    static String firstLast(String name) {
        int comma = name.indexOf(',');
        return comma < 0
                ? name
                : (name.substring(comma + 1).strip() + " "
                                + name.substring(0, comma).strip())
                        .strip();
    }

    private static Instant day(String text) {
        try {
            return LocalDate.parse(text.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("dc:date '" + text.strip() + "' is not a date");
        }
    }
}
