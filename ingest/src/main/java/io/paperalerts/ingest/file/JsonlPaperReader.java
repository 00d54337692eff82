package io.paperalerts.ingest.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paperalerts.ingest.format.ArxivId;
import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.ingest.format.PaperEntry.Parsed;
import io.paperalerts.ingest.format.PaperEntry.Rejected;
import io.paperalerts.ingest.format.PaperLimits;
import io.paperalerts.schemas.Paper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads papers from JSON Lines: one object per line, {@code id} and {@code title} required;
 * {@code abstract}, {@code authors}, {@code categories}, {@code published}, {@code url},
 * {@code pdfUrl}, {@code upvotes}, {@code listedOn} (the day a daily list carried it) optional; other fields ignored. A bad line (invalid UTF-8,
 * malformed JSON, missing or mistyped field, absurd size) becomes a {@link Rejected} entry naming its line
 * number and the problem, and reading goes on.
 */
public final class JsonlPaperReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonlPaperReader() {}

    public static void read(InputStream in, String source, Consumer<PaperEntry> sink) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int lineNumber = 0;
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) != -1; ) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    emit(++lineNumber, line.toByteArray(), source, sink);
                    line.reset();
                } else {
                    line.write(buffer[i]);
                }
            }
        }
        if (line.size() > 0) {
            emit(++lineNumber, line.toByteArray(), source, sink);
        }
    }

    public static List<PaperEntry> readAll(InputStream in, String source) throws IOException {
        List<PaperEntry> entries = new ArrayList<>();
        read(in, source, entries::add);
        return entries;
    }

    private static void emit(int lineNumber, byte[] raw, String source, Consumer<PaperEntry> sink) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            sink.accept(new Rejected("line " + lineNumber, "line " + lineNumber + ": not valid UTF-8", raw));
            return;
        }
        if (text.isBlank()) {
            return;
        }
        try {
            sink.accept(new Parsed("line " + lineNumber, toPaper(JSON.readTree(text), source)));
        } catch (JsonProcessingException e) {
            sink.accept(new Rejected(
                    "line " + lineNumber, "line " + lineNumber + ": malformed JSON: " + e.getOriginalMessage(), raw));
        } catch (InvalidPaperException e) {
            sink.accept(new Rejected("line " + lineNumber, "line " + lineNumber + ": " + e.getMessage(), raw));
        }
    }

    private static Paper toPaper(JsonNode node, String source) {
        if (!node.isObject()) {
            throw new InvalidPaperException(
                    "expected a JSON object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        String id = requiredText(node, "id");
        // arXiv ids are made canonical (2501.01234v2 -> 2501.01234, version 2); others are kept.
        ArxivId arxiv = ArxivId.find(id);
        boolean isArxiv = arxiv != null
                && id.replaceFirst("^(arXiv:|https?://arxiv\\.org/(abs|pdf)/)", "")
                        .replaceFirst("v\\d+$", "")
                        .equals(arxiv.id());
        Paper paper = Paper.newBuilder()
                .setId(isArxiv ? arxiv.id() : id)
                .setVersion(isArxiv ? arxiv.version() : 1)
                .setTitle(requiredText(node, "title").strip().replaceAll("\\s+", " "))
                .setAbstractText(optionalText(node, "abstract", "").strip().replaceAll("\\s+", " "))
                .setAuthors(textList(node, "authors"))
                .setCategories(textList(node, "categories"))
                .setPublished(instant(node, "published"))
                .setSource(source)
                .setUrl(optionalText(node, "url", null))
                .setPdfUrl(optionalText(node, "pdfUrl", null))
                .setUpvotes(upvotes(node))
                .setListedOn(day(node, "listedOn"))
                .build();
        try {
            return PaperLimits.check(paper);
        } catch (IllegalArgumentException e) {
            throw new InvalidPaperException(e.getMessage());
        }
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidPaperException("missing required field '" + field + "'");
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw new InvalidPaperException("field '" + field + "' must be a string");
        }
        String text = value.asText().strip();
        if (text.isEmpty()) {
            throw new InvalidPaperException("required field '" + field + "' is empty");
        }
        return text;
    }

    private static String optionalText(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw new InvalidPaperException("field '" + field + "' must be a string");
        }
        return value.asText();
    }

    private static List<String> textList(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (value.isTextual()) {
            return List.of(value.asText().split("\\s*[,;]\\s*"));
        }
        if (!value.isArray()) {
            throw new InvalidPaperException("field '" + field + "' must be an array of strings");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new InvalidPaperException("field '" + field + "' must be an array of strings");
            }
            items.add(item.asText().strip());
        }
        return items;
    }

    private static Instant instant(JsonNode node, String field) {
        String text = optionalText(node, field, null);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return text.length() == 10
                    ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidPaperException("field '" + field + "': '" + text
                    + "' is not an ISO date (2025-01-31) or date-time (2025-01-31T12:00:00Z)");
        }
    }

    private static LocalDate day(JsonNode node, String field) {
        Instant at = instant(node, field);
        return at == null ? null : at.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    private static Integer upvotes(JsonNode node) {
        JsonNode value = node.get("upvotes");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new InvalidPaperException("field 'upvotes' must be an integer");
        }
        return value.intValue();
    }

    private static final class InvalidPaperException extends RuntimeException {
        InvalidPaperException(String message) {
            super(message, null, false, false);
        }
    }
}
