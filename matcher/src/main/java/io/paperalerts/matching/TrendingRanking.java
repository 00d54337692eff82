package io.paperalerts.matching;

import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.TrendingDay;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How trending papers are ranked: most upvotes first, ties by the newer publication date, then by
 * id, so the same papers always give the same order. A paper read again is an update of the same
 * paper: its latest count replaces the one before, whether higher or lower.
 */
public final class TrendingRanking {

    /** The most upvoted papers kept per day: what a day's record can hold, and far more than a daily list carries. */
    public static final int MAX_PAPERS_PER_DAY = 100;

    /** Most upvoted first, then the newer, then by id. */
    public static final Comparator<Paper> ORDER = Comparator.comparing(
                    (Paper p) -> upvotes(p), Comparator.reverseOrder())
            .thenComparing(p -> p.getPublished() == null ? Instant.MIN : p.getPublished(), Comparator.reverseOrder())
            .thenComparing(Paper::getId);

    private TrendingRanking() {}

    /**
     * Whether a reading of a paper belongs to a day's ranking: a daily list carried it and it has a
     * count, zero included (so a paper that lost its upvotes leaves the ranking).
     */
    public static boolean listed(Paper paper) {
        return paper != null && paper.getListedOn() != null && paper.getUpvotes() != null;
    }

    /** Whether a paper takes part in the ranking: a daily list carried it and somebody upvoted it. */
    public static boolean ranks(Paper paper) {
        return paper != null && paper.getListedOn() != null && upvotes(paper) > 0;
    }

    public static TrendingDay empty(LocalDate day) {
        return TrendingDay.newBuilder().setDay(day).setPapers(new ArrayList<>()).build();
    }

    /**
     * The day with this reading of the paper: replaces an earlier reading of it, drops it when it
     * no longer has upvotes, and keeps the {@link #MAX_PAPERS_PER_DAY} most upvoted.
     */
    public static TrendingDay update(LocalDate day, TrendingDay known, Paper paper) {
        List<Paper> papers = new ArrayList<>(known.getPapers().size() + 1);
        for (Paper other : known.getPapers()) {
            if (!other.getId().equals(paper.getId())) {
                papers.add(other);
            }
        }
        if (upvotes(paper) > 0) {
            papers.add(paper);
        }
        papers.sort(ORDER);
        return TrendingDay.newBuilder()
                .setDay(day)
                .setPapers(
                        papers.size() > MAX_PAPERS_PER_DAY
                                ? new ArrayList<>(papers.subList(0, MAX_PAPERS_PER_DAY))
                                : papers)
                .build();
    }

    private static int upvotes(Paper paper) {
        return paper.getUpvotes() == null ? 0 : paper.getUpvotes();
    }
}
