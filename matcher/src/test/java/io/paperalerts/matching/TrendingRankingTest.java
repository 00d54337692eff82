package io.paperalerts.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.TrendingDay;
import java.time.Instant;
import java.time.LocalDate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrendingRankingTest {

    private static final LocalDate DAY = LocalDate.parse("2026-06-12");

    private static Paper paper(String id, int upvotes, String published) {
        return Paper.newBuilder()
                .setId(id)
                .setTitle(id)
                .setSource("hf-daily")
                .setUpvotes(upvotes)
                .setListedOn(DAY)
                .setPublished(published == null ? null : Instant.parse(published))
                .build();
    }

    private static TrendingDay ranked(Paper... papers) {
        TrendingDay day = TrendingRanking.empty(LocalDate.EPOCH);
        for (Paper paper : papers) {
            day = TrendingRanking.update(DAY, day, paper);
        }
        return day;
    }

    @Test
    void shouldBreakTiesByTheNewerDateThenById() {
        TrendingDay day = ranked(
                paper("b", 5, "2026-06-10T00:00:00Z"),
                paper("a", 5, "2026-06-10T00:00:00Z"),
                paper("c", 5, "2026-06-11T00:00:00Z"),
                paper("d", 5, null),
                paper("e", 9, "2026-06-01T00:00:00Z"));

        assertThat(day.getDay()).isEqualTo(DAY);
        assertThat(day.getPapers()).extracting(Paper::getId).containsExactly("e", "c", "a", "b", "d");
    }

    @Test
    void shouldKeepTheLatestCountOfAPaperAndDropOneThatLostItsUpvotes() {
        TrendingDay day = ranked(paper("a", 50, null), paper("b", 40, null), paper("a", 10, null), paper("b", 0, null));

        assertThat(day.getPapers())
                .extracting(p -> p.getId() + ":" + p.getUpvotes())
                .containsExactly("a:10");
    }

    @Test
    void shouldKeepTheHundredMostUpvotedOfADay() {
        TrendingDay day = ranked(IntStream.rangeClosed(1, 150)
                .mapToObj(i -> paper("p" + i, i, null))
                .toArray(Paper[]::new));

        assertThat(day.getPapers()).hasSize(TrendingRanking.MAX_PAPERS_PER_DAY);
        assertThat(day.getPapers().get(0).getUpvotes()).isEqualTo(150);
        assertThat(day.getPapers().get(99).getUpvotes()).isEqualTo(51);
    }
}
