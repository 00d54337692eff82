package io.paperalerts.matching;

import io.paperalerts.ingest.file.JsonlPaperReader;
import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.schemas.Paper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The 67 real papers of a Hugging Face papers page. */
final class SamplePapers {

    static final List<Paper> ALL = load();

    private SamplePapers() {}

    private static List<Paper> load() {
        try (InputStream in = SamplePapers.class.getResourceAsStream("/fixtures/hf-papers-page.jsonl")) {
            return JsonlPaperReader.readAll(in, "sample").stream()
                    .map(e -> ((PaperEntry.Parsed) e).paper())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The sample papers with authors and categories added (the page lists neither), so that
     * author and category clauses are exercised too.
     */
    static List<Paper> withAuthorsAndCategories() {
        List<String> names = List.of(
                "Ada Lovelace",
                "Alan Turing",
                "Grace Hopper",
                "Yann LeCun",
                "Fei-Fei Li",
                "Geoffrey Hinton",
                "Yoshua Bengio",
                "Daphne Koller");
        List<String> categories = List.of("cs.LG", "cs.AI", "cs.CL", "cs.CV", "stat.ML", "cs.RO");
        List<Paper> papers = new ArrayList<>();
        for (int i = 0; i < ALL.size(); i++) {
            Paper copy = Paper.newBuilder(ALL.get(i))
                    .setAuthors(List.of(names.get(i % names.size()), names.get((i * 3 + 1) % names.size())))
                    .setCategories(
                            List.of(categories.get(i % categories.size()), categories.get((i + 2) % categories.size())))
                    .build();
            papers.add(copy);
        }
        return papers;
    }

    static Paper byId(String id) {
        return ALL.stream().filter(p -> p.getId().equals(id)).findFirst().orElseThrow();
    }
}
