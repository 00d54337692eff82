package io.paperalerts.ingest.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.ingest.format.PaperEntry.Parsed;
import io.paperalerts.ingest.format.PaperEntry.Rejected;
import io.paperalerts.schemas.Paper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonlPaperReaderTest {

    private static List<PaperEntry> read(String text) throws Exception {
        return JsonlPaperReader.readAll(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test");
    }

    @Test
    void shouldReadEveryPaperOfTheRealSampleFile() throws Exception {
        List<PaperEntry> entries;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/hf-papers-page.jsonl")) {
            entries = JsonlPaperReader.readAll(in, "file:hf-papers-page.jsonl");
        }

        assertThat(entries).hasSize(67).allMatch(e -> e instanceof Parsed);
        Paper second = ((Parsed) entries.get(1)).paper();
        assertThat(second.getId()).isEqualTo("seed-002");
        assertThat(second.getTitle()).isEqualTo("On Robustness and Chain-of-Thought Consistency of RL-Finetuned VLMs");
        assertThat(second.getAbstractText()).startsWith("Reinforcement learning (RL) fine-tuning has become");
        assertThat(second.getPublished()).isEqualTo(Instant.parse("2026-02-12T00:00:00Z"));
        assertThat(second.getUpvotes()).isEqualTo(1);
        assertThat(second.getSource()).isEqualTo("file:hf-papers-page.jsonl");
    }

    @Test
    void shouldReadOptionalFieldsAndIgnoreUnknownOnes() throws Exception {
        var entries = read("""
                {"id":" 2501.01234 ","title":"A\\n  Title","abstract":"Some\\n text","authors":["Ada","Alan"],"categories":["cs.LG","cs.AI"],"published":"2025-01-31T12:00:00Z","url":"https://arxiv.org/abs/2501.01234","pdfUrl":"https://arxiv.org/pdf/2501.01234","upvotes":7,"whatever":{"x":1}}
                """);

        Paper paper = ((Parsed) entries.get(0)).paper();
        assertThat(paper.getId()).isEqualTo("2501.01234");
        assertThat(paper.getTitle()).isEqualTo("A Title");
        assertThat(paper.getAbstractText()).isEqualTo("Some text");
        assertThat(paper.getAuthors()).containsExactly("Ada", "Alan");
        assertThat(paper.getCategories()).containsExactly("cs.LG", "cs.AI");
        assertThat(paper.getPublished()).isEqualTo(Instant.parse("2025-01-31T12:00:00Z"));
        assertThat(paper.getPdfUrl()).isEqualTo("https://arxiv.org/pdf/2501.01234");
        assertThat(paper.getUpvotes()).isEqualTo(7);
    }

    @Test
    void shouldRejectEachBadLineWithItsNumberAndReasonAndKeepReading() throws Exception {
        var entries = read("""
                {"id":"ok-1","title":"Fine"}
                {"id":"x", "title":
                {"title":"No id"}
                {"id":"no-title"}
                [1,2]
                {"id":"d","title":"Bad date","published":"yesterday"}
                {"id":"a","title":"Bad authors","authors":"x","categories":[1]}

                {"id":"ok-2","title":"Also fine"}
                """);

        assertThat(entries)
                .filteredOn(e -> e instanceof Parsed)
                .extracting(e -> ((Parsed) e).paper().getId())
                .containsExactly("ok-1", "ok-2");
        assertThat(entries)
                .filteredOn(e -> e instanceof Rejected)
                .extracting(e -> ((Rejected) e).reason())
                .containsExactly(
                        "line 2: malformed JSON: Unexpected end-of-input within/between Object entries",
                        "line 3: missing required field 'id'",
                        "line 4: missing required field 'title'",
                        "line 5: expected a JSON object, got array",
                        "line 6: field 'published': 'yesterday' is not an ISO date (2025-01-31) or date-time (2025-01-31T12:00:00Z)",
                        "line 7: field 'categories' must be an array of strings");
    }

    @Test
    void shouldRejectALineThatIsNotUtf8AndKeepItsBytes() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write("{\"id\":\"1\",\"title\":\"ok\"}\n".getBytes(StandardCharsets.UTF_8));
        byte[] bad = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        bytes.write(bad);

        var entries = JsonlPaperReader.readAll(new ByteArrayInputStream(bytes.toByteArray()), "test");

        assertThat(entries).hasSize(2);
        Rejected rejected = (Rejected) entries.get(1);
        assertThat(rejected.reason()).isEqualTo("line 2: not valid UTF-8");
        assertThat(rejected.raw()).isEqualTo(bad);
    }

    @Test
    void shouldDropLinksThatAreNotHttpAndKeepThePaper() throws Exception {
        List<PaperEntry> entries = read("""
                {"id":"x-1","title":"Hostile links","url":"javascript:alert(document.cookie)","pdfUrl":"data:text/html,x"}
                {"id":"x-2","title":"Fine links","url":"https://arxiv.org/abs/2501.01234","pdfUrl":"http://arxiv.org/pdf/2501.01234"}
                """);

        assertThat(entries).hasSize(2).allMatch(e -> e instanceof Parsed);
        Paper hostile = ((Parsed) entries.get(0)).paper();
        assertThat(hostile.getTitle()).isEqualTo("Hostile links");
        assertThat(hostile.getUrl()).isNull();
        assertThat(hostile.getPdfUrl()).isNull();
        Paper fine = ((Parsed) entries.get(1)).paper();
        assertThat(fine.getUrl()).isEqualTo("https://arxiv.org/abs/2501.01234");
        assertThat(fine.getPdfUrl()).isEqualTo("http://arxiv.org/pdf/2501.01234");
    }
}
