package io.paperalerts.relevance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paperalerts.schemas.Paper;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DocumentFrequenciesTest {

    private final PaperTexts texts = new PaperTexts();

    @Test
    void shouldCountEachStemOncePerOccurrenceInTitleAndAbstract() {
        TermCounts counts = texts.counts(paper("Robots and robotic arms", "A robot arm."));

        // "robots", "robotic" and "robot" share the stem "robot"; "arms" and "arm" the stem "arm"; "and", "a" are stop
        // words
        assertThat(counts.size()).isEqualTo(2);
        assertThat(counts.termIds()).isSorted();
        assertThat(new int[] {counts.count(0), counts.count(1)}).containsExactlyInAnyOrder(3, 2);
    }

    @Test
    void shouldCountThePapersOfATermAcrossAdditionsBetweenQuestions() {
        // Given one paper, asked about, then two more
        TermCounts robots = texts.counts(paper("Robot arms", "Grasping"));
        TermCounts qubits = texts.counts(paper("Qubits", "Robot"));
        TermCounts galaxies = texts.counts(paper("Galaxies", "Robot"));
        int robot = texts.counts(paper("Robot", "")).term(0);
        int qubit = texts.counts(paper("Qubits", "")).term(0);
        int unseen = texts.counts(paper("Tokamak", "")).term(0);
        DocumentFrequencies frequencies = new DocumentFrequencies();
        frequencies.add(robots);
        assertThat(frequencies.papersWith(robot)).isEqualTo(1);

        frequencies.add(qubits);
        frequencies.add(galaxies);

        // Then each paper counts once per term it has, and rarer terms weigh more
        assertThat(frequencies.papers()).isEqualTo(3);
        assertThat(frequencies.papersWith(robot)).isEqualTo(3);
        assertThat(frequencies.papersWith(qubit)).isEqualTo(1);
        assertThat(frequencies.papersWith(unseen)).isZero();
        assertThat(frequencies.idf(unseen))
                .isGreaterThan(frequencies.idf(qubit))
                .isGreaterThan(frequencies.idf(robot))
                .isPositive();
    }

    @Test
    void shouldAnswerAsKeptWhenRestoredFromItsArrays() {
        DocumentFrequencies kept = DocumentFrequencies.of(10, new int[] {-7, 3, 42}, new int[] {1, 10, 4});

        assertThat(kept.papers()).isEqualTo(10);
        assertThat(kept.papersWith(-7)).isEqualTo(1);
        assertThat(kept.papersWith(42)).isEqualTo(4);
        assertThat(kept.papersWith(5)).isZero();
        assertThatThrownBy(() -> DocumentFrequencies.of(10, new int[] {3, -7}, new int[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ascend");
    }

    private static Paper paper(String title, String abstractText) {
        return Paper.newBuilder()
                .setId("p")
                .setTitle(title)
                .setAbstractText(abstractText)
                .setSource("test")
                .build();
    }
}
