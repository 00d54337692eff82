package io.paperalerts.streams.matching;

import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The active subscriptions of this instance, compiled for matching. Kept up to date from the
 * subscriptions topic (the global store's processor calls {@link #update}); read concurrently by
 * the stream threads.
 */
public final class SubscriptionMatcher {

    /** One subscription that matched, and the words of its query the paper contains. */
    public record Match(Subscription subscription, List<String> matchedTerms) {
    }

    private record Compiled(Subscription subscription, KeywordQuery query) {
    }

    private final Map<String, Compiled> active = new ConcurrentHashMap<>();

    /**
     * Applies the latest state of one subscription: an active one replaces what was there, anything
     * else (pending, cancelled, or {@code null} for a tombstone) removes it.
     *
     * @throws IllegalArgumentException if an active subscription's query cannot be compiled; it is
     *     then not matched, and the previous version (if any) is removed
     */
    public void update(String id, Subscription subscription) {
        if (subscription == null || subscription.getStatus() != SubscriptionStatus.ACTIVE) {
            active.remove(id);
            return;
        }
        try {
            active.put(id, new Compiled(subscription, KeywordQuery.parse(subscription.getQuery())));
        } catch (IllegalArgumentException e) {
            active.remove(id);
            throw new IllegalArgumentException("subscription " + id + ": " + e.getMessage(), e);
        }
    }

    public int size() {
        return active.size();
    }

    public List<Match> match(Paper paper) {
        Set<String> tokens = new HashSet<>(KeywordQuery.tokens(paper.getTitle()));
        tokens.addAll(KeywordQuery.tokens(paper.getAbstractText()));
        List<Match> matches = new ArrayList<>();
        for (Compiled compiled : active.values()) {
            if (compiled.query().matches(tokens)) {
                matches.add(new Match(compiled.subscription(), compiled.query().terms()));
            }
        }
        return matches;
    }
}
