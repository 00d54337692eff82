package io.paperalerts.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.Paper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ExplanationTest {

    private final SubscriptionMatcher matcher = new SubscriptionMatcher();

    private static final List<String> QUERIES = List.of(
            "reward",
            "diffusion",
            "\"language model\"",
            "title:agent*",
            "reasoning AND video",
            "robot*",
            "\"reward hacking\" text-to-image",
            "benchmark OR dataset");

    @Test
    void shouldGiveTheSnippetAgainFromWhereItWasCutInEveryRealPaper() {
        int cutFromTitle = 0;
        int cutFromAbstract = 0;
        for (Paper paper : SamplePapers.ALL) {
            AnalyzedPaper analyzed = matcher.analyze(paper);
            for (String query : QUERIES) {
                Node compiled = matcher.compile(query);
                if (!compiled.matches(analyzed)) {
                    continue;
                }
                // Given why a real paper matched
                Explanation why = Explanation.of(compiled, analyzed);

                // Then its snippet is cut again, character for character, from where it was cut
                if (why.snippet().isEmpty()) {
                    assertThat(why.cut()).isNull();
                    continue;
                }
                assertThat(why.cut()).isNotNull();
                assertThat(why.cut().text(why.cut().source(paper)))
                        .as("%s for %s", paper.getId(), query)
                        .isEqualTo(why.snippet());
                if (why.cut().inTitle()) {
                    cutFromTitle++;
                } else {
                    cutFromAbstract++;
                }
            }
        }
        assertThat(cutFromTitle).isGreaterThan(5);
        assertThat(cutFromAbstract).isGreaterThan(20);
    }

    @Test
    void shouldGiveNoSnippetFromATextTooShortForTheCut() {
        // Given a cut of the abstract as it was
        Paper paper = SamplePapers.ALL.stream()
                .filter(p -> p.getAbstractText().contains("reward"))
                .findFirst()
                .orElseThrow();
        Explanation why = Explanation.of(matcher.compile("abstract:reward"), matcher.analyze(paper));
        assertThat(why.cut().inTitle()).isFalse();

        // Then an abstract cut short since gives none, rather than a piece of another text
        assertThat(why.cut().text(paper.getAbstractText().substring(0, why.cut().to() - 1)))
                .isNull();
        assertThat(why.cut().text(null)).isNull();
    }
}
