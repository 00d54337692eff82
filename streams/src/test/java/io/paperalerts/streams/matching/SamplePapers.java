package io.paperalerts.streams.matching;

import io.paperalerts.ingest.file.JsonlPaperReader;
import io.paperalerts.schemas.Paper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The 67 real papers of a Hugging Face papers page. */
final class SamplePapers {

    static final List<Paper> ALL = load();

    private SamplePapers() {
    }

    private static List<Paper> load() {
        try (InputStream in = SamplePapers.class.getResourceAsStream("/fixtures/hf-papers-page.jsonl")) {
            return JsonlPaperReader.readAll(in, "sample").stream()
                    .map(e -> ((JsonlPaperReader.Parsed) e).paper()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Paper byId(String id) {
        return ALL.stream().filter(p -> p.getId().equals(id)).findFirst().orElseThrow();
    }
}
