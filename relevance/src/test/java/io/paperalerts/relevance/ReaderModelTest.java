package io.paperalerts.relevance;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.ingest.format.ArxivOaiParser;
import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.relevance.ReaderModel.Judged;
import io.paperalerts.relevance.ReaderModel.Judgement;
import io.paperalerts.relevance.ReaderRanking.Ranked;
import io.paperalerts.schemas.Paper;
import io.paperalerts.testing.ArxivListing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReaderModelTest {

    private static final String ROBOTICS = "Computer Science - Robotics";

    private static List<Paper> papers;
    private static Map<String, String> subjects;
    private static final Map<String, TermVector> VECTORS = new HashMap<>();
    private static final PaperTexts TEXTS = new PaperTexts();
    private static final DocumentFrequencies FREQUENCIES = new DocumentFrequencies();

    @BeforeAll
    static void readTheListing() {
        papers = ArxivOaiParser.parse(ArxivListing.bytes(), "arxiv-oai").stream()
                .map(e -> ((PaperEntry.Parsed) e).paper())
                .toList();
        subjects = ArxivListing.primarySubjects();
        papers.forEach(p -> FREQUENCIES.add(TEXTS.counts(p)));
        papers.forEach(p -> VECTORS.put(p.getId(), TEXTS.vector(p, FREQUENCIES)));
        assertThat(papers).hasSize(265);
    }

    @Test
    void shouldRankTheSubjectOfTheLikedPapersFirstAfterTenClicks() {
        // Given a reader who liked 4 robotics papers and disliked 6 others: 10 clicks
        List<Paper> robotics = of(ROBOTICS, true);
        List<Paper> others = of(ROBOTICS, false);
        List<Judged> clicks = new ArrayList<>();
        robotics.subList(0, 4).forEach(p -> clicks.add(judged(p, Judgement.MORE)));
        others.subList(0, 6).forEach(p -> clicks.add(judged(p, Judgement.LESS)));

        // When the other papers are ranked for them
        ReaderModel model = ReaderModel.learn(clicks, List.of());
        List<Paper> rest = new ArrayList<>(papers);
        clicks.forEach(c -> rest.removeIf(p -> p.getId().equals(c.paperId())));
        List<Ranked<Paper>> ranked = ReaderRanking.rank(rest, p -> VECTORS.get(p.getId()), model);

        // Then robotics papers lead, where the listing's order has 13 of them among 255
        long top10 = ranked.subList(0, 10).stream()
                .filter(r -> ROBOTICS.equals(subjects.get(r.item().getId())))
                .count();
        long listingTop10 = rest.subList(0, 10).stream()
                .filter(p -> ROBOTICS.equals(subjects.get(p.getId())))
                .count();
        assertThat(top10).isGreaterThanOrEqualTo(5).isGreaterThan(listingTop10 + 3);
        // and each names the liked paper it is most like
        assertThat(ranked.get(0).like())
                .hasValueSatisfying(like -> assertThat(like.judgement()).isEqualTo(Judgement.MORE));
    }

    @Test
    void shouldKeepKeywordOrderBeforeTheFirstClick() {
        List<Ranked<Paper>> ranked =
                ReaderRanking.rank(papers.subList(0, 30), p -> VECTORS.get(p.getId()), ReaderModel.NONE);

        assertThat(ranked).extracting(Ranked::item).containsExactlyElementsOf(papers.subList(0, 30));
        assertThat(ranked).allSatisfy(r -> assertThat(r.like()).isEmpty());
    }

    @Test
    void shouldNameTheLikedPaperThatIsMostLikeIt() {
        // Given a reader who liked a robotics paper and a quantum one, and passed over another
        Judged robot = written("r1", "Grasping with a robot arm", "A robot arm learns grasping of unknown objects.");
        Judged qubits =
                written("q1", "Entangled qubits", "Entanglement of qubits in superconducting quantum circuits.");
        ReaderModel model = ReaderModel.learn(
                List.of(robot, qubits),
                List.of(written("x", "Galaxy clusters", "Dark matter in galaxy clusters.")
                        .text()));

        // When papers like each are scored, each is said to be like its own
        TermVector arm = written("r2", "Robot arm control", "Control of a robot arm for grasping.")
                .text();
        TermVector circuits = written("q2", "Quantum circuits", "Noise in quantum circuits of qubits.")
                .text();
        assertThat(model.closestLiked(arm)).map(Judged::paperId).hasValue("r1");
        assertThat(model.closestLiked(circuits)).map(Judged::paperId).hasValue("q1");
        assertThat(model.score(arm)).isGreaterThan(model.score(TermVector.EMPTY));
    }

    @Test
    void shouldScoreBySimilarityWhenTheReaderOnlyLiked() {
        // Given only "more like this": no other kind of paper to tell it apart from
        ReaderModel model = ReaderModel.learn(
                List.of(written("r1", "Grasping with a robot arm", "A robot arm learns grasping of objects.")),
                List.of());

        // Then a paper like it scores above one with nothing in common, which scores 0
        double alike = model.score(
                written("r2", "Robot grasping", "Grasping by a robot.").text());
        double unlike = model.score(
                written("g1", "Galaxy clusters", "Dark matter halos.").text());
        assertThat(alike).isGreaterThan(unlike);
        assertThat(unlike).isZero();
        assertThat(model.learnt()).isTrue();
        assertThat(ReaderModel.NONE.learnt()).isFalse();
    }

    @Test
    void shouldKeepTheLargestWeightsInTermOrderWhenPruned() {
        // Given a model learnt from 10 clicks and the listing's other papers passed over
        List<Judged> clicks = new ArrayList<>();
        of(ROBOTICS, true).subList(0, 4).forEach(p -> clicks.add(judged(p, Judgement.MORE)));
        of(ROBOTICS, false).subList(0, 6).forEach(p -> clicks.add(judged(p, Judgement.LESS)));
        List<TermVector> passedOver = of(ROBOTICS, false).subList(6, 100).stream()
                .map(p -> VECTORS.get(p.getId()))
                .toList();
        ReaderModel model = ReaderModel.learn(clicks, passedOver);
        assertThat(model.terms()).isGreaterThan(1_000);

        // When it keeps 200 terms
        ReaderModel pruned = model.pruned(200);

        // Then they are the 200 of largest weight, ascending by id, each with its weight
        int[] terms = model.termIds();
        double[] weights = model.termWeights();
        Map<Integer, Double> kept = new HashMap<>();
        for (int i = 0; i < pruned.terms(); i++) {
            kept.put(pruned.termIds()[i], pruned.termWeights()[i]);
        }
        assertThat(pruned.terms()).isEqualTo(200);
        assertThat(pruned.termIds()).isSorted();
        double smallestKept =
                kept.values().stream().mapToDouble(Math::abs).min().orElseThrow();
        for (int i = 0; i < terms.length; i++) {
            if (kept.containsKey(terms[i])) {
                assertThat(kept.get(terms[i])).isEqualTo(weights[i]);
            } else {
                assertThat(Math.abs(weights[i])).isLessThanOrEqualTo(smallestKept);
            }
        }
        assertThat(pruned.bias()).isEqualTo(model.bias());
    }

    /** A liked paper of the given text, weighed with the listing's document frequencies. */
    private static Judged written(String id, String title, String abstractText) {
        Paper paper = Paper.newBuilder()
                .setId(id)
                .setTitle(title)
                .setAbstractText(abstractText)
                .setSource("test")
                .build();
        return new Judged(id, title, TEXTS.vector(paper, FREQUENCIES), Judgement.MORE);
    }

    private static List<Paper> of(String subject, boolean in) {
        return papers.stream()
                .filter(p -> subject.equals(subjects.get(p.getId())) == in)
                .toList();
    }

    private static Judged judged(Paper paper, Judgement judgement) {
        return new Judged(paper.getId(), paper.getTitle(), VECTORS.get(paper.getId()), judgement);
    }
}
