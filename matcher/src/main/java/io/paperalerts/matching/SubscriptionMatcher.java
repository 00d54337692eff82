package io.paperalerts.matching;

import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The active subscriptions of this instance, compiled and indexed for matching. Kept up to date
 * from the subscriptions topic (the global store's processor calls {@link #update}); read by the
 * stream threads. The same matcher serves {@code paper-alerts match}.
 */
public class SubscriptionMatcher {

    /**
     * One subscription that matched, and why. The why is worked out when first asked for: a
     * replay matches papers whose alerts were sent long ago, and skips them unexplained.
     */
    public static final class Match {
        private final Subscription subscription;
        private final Node query;
        private final AnalyzedPaper paper;
        private Explanation explanation;

        Match(Subscription subscription, Node query, AnalyzedPaper paper) {
            this.subscription = subscription;
            this.query = query;
            this.paper = paper;
        }

        /** A match already explained, e.g. a trending pick. */
        public Match(Subscription subscription, Explanation explanation) {
            this(subscription, null, null);
            this.explanation = explanation;
        }

        public Subscription subscription() {
            return subscription;
        }

        public Explanation explanation() {
            if (explanation == null) {
                explanation = Explanation.of(query, paper);
            }
            return explanation;
        }
    }

    /**
     * An active trending subscription: not matched paper by paper, but ranked at its digest hour.
     *
     * @param filter its compiled query, or {@code null} when it ranks every paper
     */
    public record Trending(Subscription subscription, Node filter) {

        /** Whether the paper may be ranked for this subscription, and why. */
        public Explanation accepts(AnalyzedPaper paper) {
            if (filter == null) {
                return Explanation.of(List.of());
            }
            return filter.matches(paper) ? Explanation.of(filter, paper) : null;
        }
    }

    private final PaperAnalyzer analyzer = new PaperAnalyzer();
    private final QueryCompiler compiler = new QueryCompiler(analyzer);
    private final TermStatistics statistics = new TermStatistics();
    private final QueryIndex index = new QueryIndex(statistics);
    private final Map<String, Subscription> active = new ConcurrentHashMap<>();
    private final Map<String, Trending> trending = new ConcurrentHashMap<>();

    /**
     * Applies the latest state of one subscription: an active one replaces what was there,
     * anything else (pending, cancelled, or {@code null} for a tombstone) removes it.
     *
     * @throws InvalidQueryException if an active subscription's query is invalid; it is then not
     *     matched, and its previous version (if any) is removed
     */
    public void update(String id, Subscription subscription) {
        Compiled compiled = compiled(id, subscription);
        apply(compiled);
        if (compiled.invalid() != null) {
            throw compiled.invalid();
        }
    }

    /**
     * Applies the latest state of many subscriptions, as {@link #update} of each would; their
     * queries are compiled on every core first. A shard's task loads millions when it opens, and
     * compiling them (Lucene's query parser about half) is most of that.
     *
     * @param subscriptions by id; {@code null} values are tombstones
     * @return why each subscription whose query is invalid is not matched, by id
     */
    public Map<String, String> load(Map<String, Subscription> subscriptions) {
        List<Compiled> compiled = subscriptions.entrySet().parallelStream()
                .map(e -> compiled(e.getKey(), e.getValue()))
                .toList();
        Map<String, String> invalid = new LinkedHashMap<>();
        for (Compiled one : compiled) {
            apply(one);
            if (one.invalid() != null) {
                invalid.put(one.id(), one.invalid().getMessage());
            }
        }
        return invalid;
    }

    /**
     * One subscription's state, its query compiled (under no lock: compiling reads nothing the
     * matcher changes).
     */
    private record Compiled(String id, Subscription subscription, Node query, InvalidQueryException invalid) {}

    private Compiled compiled(String id, Subscription subscription) {
        if (subscription == null || subscription.getStatus() != SubscriptionStatus.ACTIVE) {
            return new Compiled(id, null, null, null);
        }
        boolean ranked = subscription.getTrendingTop() != null;
        try {
            Node query = ranked && subscription.getQuery().isBlank() ? null : compiler.compile(subscription.getQuery());
            return new Compiled(id, subscription, query, null);
        } catch (InvalidQueryException e) {
            return new Compiled(
                    id, null, null, new InvalidQueryException("subscription " + id + ": " + e.getMessage()));
        }
    }

    /** A compiled subscription of no status to match (or an invalid query) is removed. */
    private void apply(Compiled compiled) {
        String id = compiled.id();
        Subscription subscription = compiled.subscription();
        if (subscription == null) {
            remove(id);
            return;
        }
        if (subscription.getTrendingTop() != null) {
            remove(id);
            trending.put(id, new Trending(subscription, compiled.query()));
            return;
        }
        trending.remove(id);
        active.put(id, subscription);
        index.put(id, compiled.query());
    }

    private void remove(String id) {
        index.remove(id);
        active.remove(id);
        trending.remove(id);
    }

    /** The active trending subscriptions, which {@link #match} leaves out. */
    public List<Trending> trending() {
        return List.copyOf(trending.values());
    }

    public int size() {
        return index.size();
    }

    /** Checks a query without subscribing it. */
    public Node compile(String query) {
        return compiler.compile(query);
    }

    public AnalyzedPaper analyze(Paper paper) {
        return AnalyzedPaper.of(paper, analyzer);
    }

    public List<Match> match(Paper paper) {
        AnalyzedPaper analyzed = analyze(paper);
        long seen = statistics.observe(analyzed) ? statistics.documents() : 0;
        if (seen == TermStatistics.MIN_DOCS || seen == 10L * TermStatistics.MIN_DOCS) {
            // Queries filed before there were statistics used a guess; file them by real rarity.
            index.reanchor();
        }
        List<Match> matches = new ArrayList<>();
        for (FiledQuery entry : index.match(analyzed)) {
            Subscription subscription = active.get(entry.id());
            if (subscription != null) {
                matches.add(new Match(subscription, entry.root(), analyzed));
            }
        }
        return matches;
    }
}
