package io.paperalerts.streams.trending;

import io.paperalerts.matching.Explanation;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.matching.SubscriptionMatcher.Match;
import io.paperalerts.matching.SubscriptionMatcher.Trending;
import io.paperalerts.matching.TrendingRanking;
import io.paperalerts.queries.Recipients;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.streams.MatchAlerts;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** A trending subscription's picks of a day or week: its top N papers, as alerts that carry their rank. */
public final class TrendingAlerts {

    private TrendingAlerts() {}

    /**
     * @param papers the papers of the period, in any order; each paper once
     * @param rankedOn the day (or the first day of the week) the papers are ranked for
     * @return at most {@code trendingTop} alerts, most upvoted first
     */
    public static List<Alert> pick(
            Trending trending,
            SubscriptionMatcher matcher,
            Collection<Paper> papers,
            LocalDate rankedOn,
            Instant now,
            AlertKind kind) {
        int top = trending.subscription().getTrendingTop();
        List<Paper> ranked = papers.stream()
                .filter(TrendingRanking::ranks)
                .sorted(TrendingRanking.ORDER)
                .toList();
        String recipient = Recipients.of(trending.subscription().getEmail());
        List<Alert> picks = new ArrayList<>();
        for (Paper paper : ranked) {
            if (picks.size() >= top) {
                break;
            }
            Explanation why = trending.accepts(trending.filter() == null ? null : matcher.analyze(paper));
            if (why == null) {
                continue;
            }
            Alert alert = MatchAlerts.alert(
                    recipient, paper, List.of(new Match(trending.subscription(), why)), now, kind, null);
            MatchReason reason = alert.getReasons().get(0);
            reason.setTrendingRank(picks.size() + 1);
            reason.setTrendingDay(rankedOn);
            picks.add(alert);
        }
        return picks;
    }
}
