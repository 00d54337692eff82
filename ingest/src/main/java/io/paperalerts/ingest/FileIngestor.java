package io.paperalerts.ingest;

import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.ingest.format.PaperFormats;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes a saved file of papers in any supported format (detected from the content); records
 * that are not papers go to the dead-letter topic and into the report.
 */
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
        return ingest(Files.readAllBytes(file), "file:" + file.getFileName());
    }

    public Report ingest(InputStream in, String source) throws IOException {
        return ingest(in.readAllBytes(), source);
    }

    private Report ingest(byte[] content, String source) {
        List<String> rejections = new ArrayList<>();
        int published = 0;
        for (PaperEntry entry : PaperFormats.read(content, source)) {
            if (entry instanceof PaperEntry.Parsed parsed) {
                publisher.publish(parsed.paper());
                published++;
            } else if (entry instanceof PaperEntry.Rejected rejected) {
                rejections.add(source + ": " + rejected.reason());
                publisher.reject(source, rejected.position(), rejected.reason(), rejected.raw());
            }
        }
        publisher.flush();
        return new Report(source, published, List.copyOf(rejections));
    }
}
