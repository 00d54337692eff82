package io.paperalerts.ingest.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paperalerts.ingest.format.PaperEntry.Parsed;
import io.paperalerts.ingest.format.PaperEntry.Rejected;
import io.paperalerts.ingest.format.PaperFormats.Format;
import io.paperalerts.schemas.Paper;
import io.paperalerts.testing.ArxivListing;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every recorded real response of the sources, parsed. */
class PaperFormatsTest {

    private static byte[] fixture(String name) throws Exception {
        try (InputStream in = PaperFormatsTest.class.getResourceAsStream("/sources/" + name)) {
            return in.readAllBytes();
        }
    }

    /** The body of an HTTP exchange recorded by arxiv.py's recorder. */
    private static byte[] recordedBody(String name) throws Exception {
        return new ObjectMapper().readTree(fixture(name)).get("body").asText().getBytes(StandardCharsets.UTF_8);
    }

    private static List<Paper> papers(List<PaperEntry> entries) {
        return entries.stream()
                .filter(e -> e instanceof Parsed)
                .map(e -> ((Parsed) e).paper())
                .toList();
    }

    private static List<Rejected> rejected(List<PaperEntry> entries) {
        return entries.stream()
                .filter(e -> e instanceof Rejected)
                .map(e -> (Rejected) e)
                .toList();
    }

    @Test
    void shouldReadTheCurrentArxivApiAtomFeed() throws Exception {
        byte[] content = fixture("arxiv-api-query.atom.xml");

        List<PaperEntry> entries = PaperFormats.read(content, "arxiv-api");

        assertThat(PaperFormats.detect(content)).isEqualTo(Format.ARXIV_ATOM);
        List<Paper> papers = papers(entries);
        assertThat(papers).hasSize(5);
        assertThat(rejected(entries)).isEmpty();
        Paper first = papers.get(0);
        assertThat(first.getId()).isEqualTo("2606.13677");
        assertThat(first.getVersion()).isEqualTo(1);
        assertThat(first.getTitle()).isEqualTo("Mana: Dexterous Manipulation of Articulated Tools");
        assertThat(first.getAuthors()).startsWith("Zhao-Heng Yin", "Guanya Shi", "Pieter Abbeel");
        assertThat(first.getCategories()).startsWith("cs.RO").contains("cs.AI", "cs.CV", "cs.LG");
        assertThat(first.getPublished()).isEqualTo(Instant.parse("2026-06-11T17:59:49Z"));
        assertThat(first.getUrl()).isEqualTo("https://arxiv.org/abs/2606.13677");
        assertThat(first.getPdfUrl()).isEqualTo("https://arxiv.org/pdf/2606.13677");
        assertThat(first.getAbstractText())
                .startsWith("Articulated tool manipulation remains")
                .doesNotContain("\n");
        assertThat(papers).extracting(Paper::getId).last().isEqualTo("2606.13501");
    }

    @Test
    void shouldPutThePrimaryCategoryFirstForCrossListedPapers() throws Exception {
        List<Paper> papers = papers(PaperFormats.read(fixture("arxiv-api-query-cs.CL-doi.atom.xml"), "arxiv-api"));

        assertThat(papers).extracting(Paper::getId).containsExactly("2609.28471", "2609.28449", "2609.28442");
        assertThat(papers).extracting(p -> p.getCategories().get(0)).containsExactly("cs.CL", "cs.SE", "cs.LG");
        assertThat(papers.get(0).getAuthors()).contains("Peter Kirby");
    }

    @Test
    void shouldReadTheLegacyAtomFormatWithOldStyleIdsAndVersions() throws Exception {
        List<Paper> papers = papers(PaperFormats.read(fixture("arxiv-api-query-legacy-2016.atom.xml"), "arxiv-api"));

        assertThat(papers).hasSize(10);
        assertThat(papers).extracting(Paper::getId).startsWith("1201.4869", "cond-mat/0412498", "cond-mat/0603029");
        Paper revised = papers.stream()
                .filter(p -> p.getId().equals("1303.6954"))
                .findFirst()
                .orElseThrow();
        assertThat(revised.getVersion()).isEqualTo(2);
        assertThat(revised.getUpdated()).isAfter(revised.getPublished());
        assertThat(papers.get(0).getTitle()).isEqualTo("A Luttinger Liquid Core Inside Helium-4 Filled Nanopores");
        assertThat(papers.get(1).getTitle()).isEqualTo("Thermal melting of density waves on the square lattice");
        assertThat(papers.get(1).getUrl()).isEqualTo("https://arxiv.org/abs/cond-mat/0412498");
    }

    @Test
    void shouldRejectArxivsErrorEntryWithItsMessage() throws Exception {
        List<PaperEntry> entries = PaperFormats.read(recordedBody("arxiv-api-error-400.recorded.json"), "arxiv-api");

        assertThat(papers(entries)).isEmpty();
        assertThat(rejected(entries))
                .singleElement()
                .extracting(Rejected::reason)
                .asString()
                .contains("arXiv reported an error")
                .contains("incorrect id format for abc");
    }

    @Test
    void shouldReadAnEmptyResultAsNoPapers() throws Exception {
        assertThat(PaperFormats.read(recordedBody("arxiv-api-empty-result.recorded.json"), "arxiv-api"))
                .isEmpty();
    }

    @Test
    void shouldReadTheArxivRssFeed() throws Exception {
        byte[] content = fixture("arxiv-rss-cs.LG-cs.AI-cs.CL-stat.ML.xml");

        List<Paper> papers = papers(PaperFormats.read(content, "arxiv-rss"));

        assertThat(PaperFormats.detect(content)).isEqualTo(Format.ARXIV_RSS);
        assertThat(papers)
                .extracting(Paper::getId)
                .containsExactly("2609.26811", "2609.26820", "2205.06398", "2009.13987");
        assertThat(papers).extracting(Paper::getVersion).containsExactly(1, 1, 2, 3);
        Paper first = papers.get(0);
        assertThat(first.getTitle()).isEqualTo("The Drift Contract: Spectral Updates for Depth-Robust Local Learning");
        assertThat(first.getAbstractText())
                .startsWith("Local learning trains each layer")
                .doesNotContain("Announce Type");
        assertThat(first.getAuthors()).isNotEmpty();
        assertThat(first.getCategories()).isNotEmpty();
        assertThat(first.getPublished()).isEqualTo(Instant.parse("2026-09-24T04:00:00Z"));
        assertThat(papers.get(3).getPublished())
                .as("a replacement is not newly published")
                .isNull();
    }

    @Test
    void shouldReadHuggingFaceDailyPapersKeepingUpvotes() throws Exception {
        byte[] content = fixture("hf-daily-papers.json");

        List<Paper> papers = papers(PaperFormats.read(content, "hf-daily"));

        assertThat(PaperFormats.detect(content)).isEqualTo(Format.HF_DAILY_PAPERS);
        assertThat(papers).hasSize(30);
        Paper first = papers.get(0);
        assertThat(first.getId()).isEqualTo("2606.00467");
        assertThat(first.getTitle()).startsWith("On the Limits of LLM Adaptability");
        assertThat(first.getAuthors()).startsWith("Etienne Casanova", "Rafal Kocielnik", "R. Michael Alvarez");
        assertThat(first.getUpvotes()).isZero();
        assertThat(first.getPublished()).isEqualTo(Instant.parse("2026-05-30T00:00:00Z"));
        assertThat(first.getUrl()).isEqualTo("https://arxiv.org/abs/2606.00467");
        assertThat(papers).allMatch(p -> p.getUpvotes() != null);
    }

    @Test
    void shouldReadAnArxivOaiPmhListRecordsPage() throws Exception {
        byte[] content = ArxivListing.bytes();

        List<PaperEntry> entries = PaperFormats.read(content, "arxiv-oai");

        assertThat(PaperFormats.detect(content)).isEqualTo(Format.ARXIV_OAI);
        assertThat(rejected(entries)).isEmpty();
        List<Paper> papers = papers(entries);
        assertThat(papers).hasSize(265);
        Paper ifan = papers.stream()
                .filter(p -> p.getId().equals("2303.03124"))
                .findFirst()
                .orElseThrow();
        assertThat(ifan.getTitle())
                .isEqualTo("IFAN: An Explainability-Focused Interaction Framework for Humans and NLP Models");
        assertThat(ifan.getAuthors())
                .containsExactly(
                        "Edoardo Mosca",
                        "Daryna Dementieva",
                        "Tohid Ebrahim Ajdari",
                        "Maximilian Kummeth",
                        "Kirill Gringauz",
                        "Georg Groh");
        assertThat(ifan.getAbstractText())
                .startsWith("Interpretability and human oversight")
                .endsWith("https://ifan.ml/");
        assertThat(ifan.getPublished()).isEqualTo(Instant.parse("2023-03-06T00:00:00Z"));
        assertThat(ifan.getUrl()).isEqualTo("https://arxiv.org/abs/2303.03124");
    }

    @Test
    void shouldKeepTheEntriesBeforeATruncationAndRejectTheRest() throws Exception {
        byte[] whole = fixture("arxiv-api-query.atom.xml");
        String text = new String(whole, StandardCharsets.UTF_8);
        byte[] truncated = Arrays.copyOf(whole, text.indexOf("<entry>", text.indexOf("<entry>") + 1) + 200);

        List<PaperEntry> entries = PaperFormats.read(truncated, "arxiv-api");

        assertThat(papers(entries)).extracting(Paper::getId).containsExactly("2606.13677");
        assertThat(rejected(entries))
                .singleElement()
                .extracting(Rejected::reason)
                .asString()
                .startsWith("entry 2: malformed XML");
    }

    @Test
    void shouldRejectGarbageAsAnUnsupportedFormat() {
        List<PaperEntry> entries = PaperFormats.read("%PDF-1.7 garbage".getBytes(StandardCharsets.UTF_8), "upload");

        assertThat(rejected(entries))
                .singleElement()
                .extracting(Rejected::reason)
                .asString()
                .contains("not a supported format");
    }

    @Test
    void shouldRejectAbsurdSizes() {
        String hugeAbstract = "x".repeat(PaperLimits.MAX_ABSTRACT + 1);
        String authors = String.join(",", Collections.nCopies(PaperLimits.MAX_AUTHORS + 1, "\"A\""));
        String jsonl = "{\"id\":\"1\",\"title\":\"Big\",\"abstract\":\"" + hugeAbstract + "\"}\n"
                + "{\"id\":\"2\",\"title\":\"Crowd\",\"authors\":[" + authors + "]}\n";

        List<PaperEntry> entries = PaperFormats.read(jsonl.getBytes(StandardCharsets.UTF_8), "file");

        assertThat(rejected(entries))
                .extracting(Rejected::reason)
                .containsExactly(
                        "line 1: paper 1 has abstract of 20001 characters (at most 20000)",
                        "line 2: paper 2 has 2001 authors (at most 2000)");
    }

    @Test
    void shouldMakeArxivIdsCanonical() {
        assertThat(ArxivId.find("http://arxiv.org/abs/2501.01234v3")).isEqualTo(new ArxivId("2501.01234", 3));
        assertThat(ArxivId.find("oai:arXiv.org:2609.26811v1")).isEqualTo(new ArxivId("2609.26811", 1));
        assertThat(ArxivId.find("arXiv:hep-th/9901001v2")).isEqualTo(new ArxivId("hep-th/9901001", 2));
        assertThat(ArxivId.find("https://arxiv.org/pdf/math.GT/0309136v1"))
                .isEqualTo(new ArxivId("math.GT/0309136", 1));
        assertThat(ArxivId.find("2501.01234")).isEqualTo(new ArxivId("2501.01234", 1));
        assertThat(ArxivId.find("seed-001")).isNull();
    }
}
