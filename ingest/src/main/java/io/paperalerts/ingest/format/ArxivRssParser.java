package io.paperalerts.ingest.format;

import io.paperalerts.ingest.format.XmlEntries.Element;
import io.paperalerts.schemas.Paper;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * arXiv's new-submissions RSS feed ({@code rss.arxiv.org/rss/CATS}): one item per announced
 * paper, its description {@code arXiv:ID Announce Type: TYPE \nAbstract: ...}, authors comma-joined
 * in {@code dc:creator}, the announcement date in the channel's {@code pubDate}.
 */
public final class ArxivRssParser {

    private static final Pattern DESCRIPTION =
            Pattern.compile("^\\s*arXiv:\\S+\\s+Announce Type:\\s*(\\S+)\\s*Abstract:\\s*(.*)$", Pattern.DOTALL);

    private ArxivRssParser() {}

    public static List<PaperEntry> parse(byte[] content, String source) {
        Instant announced = rfc1123(XmlEntries.read(content, "item").header().childText("pubDate"));
        return XmlEntries.papers(content, "item", "item", item -> paper(item, source, announced));
    }

    private static Paper paper(Element item, String source, Instant announced) {
        ArxivId id = ArxivId.find(item.childText("guid"));
        if (id == null) {
            id = ArxivId.find(item.childText("link"));
        }
        if (id == null) {
            throw new IllegalArgumentException("no arXiv id in <guid> or <link>");
        }
        String title = PaperLimits.oneLine(item.childText("title"));
        if (title.isEmpty()) {
            throw new IllegalArgumentException("paper " + id.id() + " has no title");
        }
        String description = item.childText("description") == null ? "" : item.childText("description");
        Matcher matcher = DESCRIPTION.matcher(description);
        String abstractText = PaperLimits.oneLine(matcher.matches() ? matcher.group(2) : description);
        String creators = item.childText("creator");
        List<String> authors = creators == null
                ? List.of()
                : Arrays.stream(creators.split(","))
                        .map(PaperLimits::oneLine)
                        .filter(a -> !a.isEmpty())
                        .toList();
        List<String> categories = item.all("category").stream()
                .map(c -> PaperLimits.oneLine(c.text()))
                .filter(c -> !c.isEmpty())
                .distinct()
                .toList();
        return Paper.newBuilder()
                .setId(id.id())
                .setVersion(id.version())
                .setTitle(title)
                .setAbstractText(abstractText)
                .setAuthors(authors)
                .setCategories(categories)
                .setPublished(id.version() == 1 ? announced : null)
                .setUpdated(announced)
                .setSource(source)
                .setUrl(id.absUrl())
                .setPdfUrl(id.pdfUrl())
                .build();
    }

    private static Instant rfc1123(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return ZonedDateTime.parse(text.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
