package io.paperalerts.ingest;

import io.paperalerts.ingest.file.JsonlPaperReader;
import io.paperalerts.ingest.file.JsonlPaperReader.Parsed;
import io.paperalerts.ingest.file.JsonlPaperReader.Rejected;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Publishes a JSONL file of papers; bad lines go to the dead-letter topic and into the report. */
public final class FileIngestor {

    /** What one file gave. */
    public record Report(String source, int published, List<String> rejections) {
        public int rejected() {
            return rejections.size();
        }
    }

    private final PaperPublisher publisher;

    public FileIngestor(PaperPublisher publisher) {
        this.publisher = publisher;
    }

    public Report ingest(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return ingest(in, "file:" + file.getFileName());
        }
    }

    public Report ingest(InputStream in, String source) throws IOException {
        List<String> rejections = new ArrayList<>();
        int[] published = {0};
        JsonlPaperReader.read(in, source, entry -> {
            if (entry instanceof Parsed parsed) {
                publisher.publish(parsed.paper());
                published[0]++;
            } else if (entry instanceof Rejected rejected) {
                rejections.add(source + ": " + rejected.reason());
                publisher.reject(source, "line " + rejected.line(), rejected.reason(), rejected.raw());
            }
        });
        publisher.flush();
        return new Report(source, published[0], List.copyOf(rejections));
    }
}
