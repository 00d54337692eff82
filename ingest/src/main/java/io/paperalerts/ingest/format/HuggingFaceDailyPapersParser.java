package io.paperalerts.ingest.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paperalerts.ingest.format.PaperEntry.Parsed;
import io.paperalerts.ingest.format.PaperEntry.Rejected;
import io.paperalerts.schemas.Paper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Hugging Face Daily Papers API ({@code /api/daily_papers}): a JSON array of items whose
 * {@code paper} holds the arXiv id, title, summary, authors and upvotes.
 */
public final class HuggingFaceDailyPapersParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HuggingFaceDailyPapersParser() {}

    public static List<PaperEntry> parse(byte[] content, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (IOException e) {
            String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            return List.of(new Rejected("document", "document: malformed JSON: " + message, new byte[0]));
        }
        if (root == null || !root.isArray()) {
            return List.of(new Rejected("document", "document: expected a JSON array of daily papers", new byte[0]));
        }
        List<PaperEntry> entries = new ArrayList<>();
        int n = 0;
        for (JsonNode item : root) {
            n++;
            String position = "item " + n;
            try {
                entries.add(new Parsed(position, PaperLimits.check(paper(item, source))));
            } catch (IllegalArgumentException e) {
                entries.add(new Rejected(
                        position,
                        position + ": " + e.getMessage(),
                        item.toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return entries;
    }

    private static Paper paper(JsonNode item, String source) {
        JsonNode paper = item.path("paper");
        ArxivId id = ArxivId.find(paper.path("id").asText(null));
        if (id == null) {
            throw new IllegalArgumentException("no arXiv id in paper.id");
        }
        String title = PaperLimits.oneLine(
                paper.path("title").asText(item.path("title").asText("")));
        if (title.isEmpty()) {
            throw new IllegalArgumentException("paper " + id.id() + " has no title");
        }
        List<String> authors = new ArrayList<>();
        for (JsonNode author : paper.path("authors")) {
            String name = PaperLimits.oneLine(author.path("name").asText(""));
            if (!name.isEmpty()) {
                authors.add(name);
            }
        }
        return Paper.newBuilder()
                .setId(id.id())
                .setVersion(id.version())
                .setTitle(title)
                .setAbstractText(PaperLimits.oneLine(
                        paper.path("summary").asText(item.path("summary").asText(""))))
                .setAuthors(authors)
                .setCategories(List.of())
                .setPublished(instant(paper.path("publishedAt").asText(null)))
                .setSource(source)
                .setUrl(id.absUrl())
                .setPdfUrl(id.pdfUrl())
                .setUpvotes(
                        paper.path("upvotes").isInt() ? paper.path("upvotes").asInt() : null)
                .setListedOn(day(paper.path("submittedOnDailyAt").asText(null)))
                .build();
    }

    /** The Daily Papers day a paper was listed on: the UTC date of {@code submittedOnDailyAt}. */
    private static LocalDate day(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text).atOffset(ZoneOffset.UTC).toLocalDate();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("submittedOnDailyAt '" + text + "' is not a date-time");
        }
    }

    private static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("publishedAt '" + text + "' is not a date-time");
        }
    }
}
