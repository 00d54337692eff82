package io.paperalerts.streams;

import io.paperalerts.avro.ShallowCopy;
import io.paperalerts.matching.SubscriptionMatcher.Match;
import io.paperalerts.queries.Recipients;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** Turns the matches of one paper into alerts: one per recipient, naming each matching subscription. */
public final class MatchAlerts {

    private MatchAlerts() {}

    /** The recipient of a match's alert: its subscription's address, in the one form ({@link Recipients}). */
    public static String recipient(Match match) {
        return Recipients.of(match.subscription().getEmail());
    }

    /** A copy that shares the original's field values ({@link ShallowCopy}): no processor changes an alert in place. */
    public static Alert copyOf(Alert alert) {
        return ShallowCopy.of(alert, new Alert());
    }

    /**
     * @param paperTimestamp when the paper was written to the papers topic (its record timestamp),
     *     where the end-to-end latency the notifier measures starts
     */
    public static Alert alert(
            String recipient, Paper paper, List<Match> matches, Instant now, AlertKind kind, Instant paperTimestamp) {
        List<Match> ordered = matches.stream()
                .sorted(Comparator.comparing(m -> m.subscription().getId()))
                .toList();
        return Alert.newBuilder()
                .setRecipient(recipient)
                .setSubscriptionIds(
                        ordered.stream().map(m -> m.subscription().getId()).toList())
                .setPaper(paper)
                .setReasons(ordered.stream()
                        .map(m -> MatchReason.newBuilder()
                                .setSubscriptionId(m.subscription().getId())
                                .setQuery(m.subscription().getQuery())
                                .setMatchedTerms(m.explanation().matched())
                                .setSnippet(m.explanation().snippet())
                                .setArchiveToken(m.subscription().getArchiveToken())
                                .build())
                        .toList())
                .setMatchedAt(now)
                .setKind(kind)
                .setPaperTimestamp(paperTimestamp)
                .build();
    }
}
