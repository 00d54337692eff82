package io.paperalerts.ingest.format;

import io.paperalerts.ingest.file.JsonlPaperReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Reads papers from any supported format, detected from the content: JSON Lines, the arXiv API's
 * Atom, arXiv's RSS feed, arXiv's OAI-PMH ListRecords (oai_dc), and the Hugging Face Daily Papers JSON.
 */
public final class PaperFormats {

    /** A supported format. */
    public enum Format {
        JSONL,
        ARXIV_ATOM,
        ARXIV_RSS,
        ARXIV_OAI,
        HF_DAILY_PAPERS,
        UNKNOWN
    }

    private PaperFormats() {}

    public static Format detect(byte[] content) {
        String head = new String(content, 0, Math.min(content.length, 4096), StandardCharsets.UTF_8)
                .replace("\uFEFF", "")
                .stripLeading();
        if (head.startsWith("<")) {
            if (head.contains("<feed")) {
                return Format.ARXIV_ATOM;
            }
            if (head.contains("<rss") || head.contains("<rdf:RDF")) {
                return Format.ARXIV_RSS;
            }
            if (head.contains("<OAI-PMH")) {
                return Format.ARXIV_OAI;
            }
            return Format.UNKNOWN;
        }
        if (head.startsWith("[")) {
            return Format.HF_DAILY_PAPERS;
        }
        if (head.startsWith("{") || head.isEmpty()) {
            return Format.JSONL;
        }
        return Format.UNKNOWN;
    }

    public static List<PaperEntry> read(byte[] content, String source) {
        return switch (detect(content)) {
            case JSONL -> jsonl(content, source);
            case ARXIV_ATOM -> ArxivAtomParser.parse(content, source);
            case ARXIV_RSS -> ArxivRssParser.parse(content, source);
            case ARXIV_OAI -> ArxivOaiParser.parse(content, source);
            case HF_DAILY_PAPERS -> HuggingFaceDailyPapersParser.parse(content, source);
            case UNKNOWN ->
                List.of(new PaperEntry.Rejected(
                        "document",
                        "document: not a supported format "
                                + "(JSON Lines, arXiv Atom, RSS or OAI-PMH, Hugging Face daily papers JSON)",
                        Arrays.copyOf(content, Math.min(content.length, 1024))));
        };
    }

    private static List<PaperEntry> jsonl(byte[] content, String source) {
        try {
            return JsonlPaperReader.readAll(new ByteArrayInputStream(content), source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
