package io.paperalerts.registration;

import io.paperalerts.matching.InvalidQueryException;
import io.paperalerts.matching.Node;
import io.paperalerts.matching.QueryCompiler;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.papers.PaperUrls;
import io.paperalerts.schemas.Paper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The papers the front page leads with: trending today (the most upvoted of the latest day a daily
 * list carried) and the most recent, each with the two queries its actions pre-fill: follow its
 * authors, and be alerted when papers like it trend (its most distinctive title words, which the
 * recent papers rarely share, and {@code upvotes:>=10}). Every query offered compiles.
 */
final class FrontPage {

    static final int PAPERS = 10;
    static final int FOLLOWED_AUTHORS = 3;
    static final int TITLE_WORDS = 2;
    static final int TREND_UPVOTES = 10;

    private final RecentPapers recent;
    private final SubscriptionMatcher checker;
    private volatile JsonAnswers.Cached answer;

    FrontPage(RecentPapers recent, SubscriptionMatcher checker) {
        this.recent = recent;
        this.checker = checker;
    }

    /**
     * {@link #papers()} as JSON, computed once per change of the recent papers: working it out
     * (the queries of each paper) takes over 100 ms with 2,000 papers, and a handful of clients
     * asking for it each time would keep the cores from matching.
     */
    JsonAnswers.Cached answer() {
        JsonAnswers.Cached current = answer;
        long version = recent.version();
        if (current == null || current.version() != version) {
            current = JsonAnswers.cached(version, papers());
            answer = current;
        }
        return current;
    }

    Map<String, Object> papers() {
        List<Paper> trending = recent.trending(PAPERS);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put(
                "trendingDay",
                trending.isEmpty() ? null : trending.get(0).getListedOn().toString());
        answer.put("trending", trending.stream().map(this::view).toList());
        answer.put("recent", recent.newest(PAPERS).stream().map(this::view).toList());
        return answer;
    }

    private Map<String, Object> view(Paper paper) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", paper.getId());
        view.put("title", paper.getTitle());
        view.put("url", PaperUrls.httpOrNull(paper.getUrl()));
        view.put("authors", paper.getAuthors().stream().limit(5).toList());
        view.put("upvotes", paper.getUpvotes());
        view.put("followAuthorsQuery", followAuthors(paper));
        view.put("trendQuery", likeThis(paper));
        return view;
    }

    /** {@code author:"A" OR author:"B"} for its first authors, or null when no name makes a query. */
    String followAuthors(Paper paper) {
        List<String> clauses = new ArrayList<>();
        for (String author : paper.getAuthors()) {
            String name = author.replaceAll("[\"\\\\\\p{Cc}]", " ")
                    .replaceAll("\\s+", " ")
                    .strip();
            String clause = "author:\"" + name + "\"";
            if (!name.isEmpty() && compiles(clause)) {
                clauses.add(clause);
            }
            if (clauses.size() == FOLLOWED_AUTHORS) {
                break;
            }
        }
        String query = String.join(" OR ", clauses);
        return clauses.isEmpty() || !compiles(query) ? null : query;
    }

    /** Its rarest title words among the recent papers, in title order, and the upvote filter. */
    String likeThis(Paper paper) {
        LinkedHashSet<String> words = new LinkedHashSet<>();
        for (String word : paper.getTitle().toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.length() >= 4) {
                words.add(word);
            }
        }
        Map<String, Integer> commonness = new LinkedHashMap<>();
        for (String word : words) {
            Node node = compiled("title:" + word);
            if (node != null) {
                commonness.put(word, recent.count(node));
            }
        }
        List<String> rarest = commonness.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue()
                        .thenComparing(e -> -e.getKey().length()))
                .limit(TITLE_WORDS)
                .map(Map.Entry::getKey)
                .toList();
        if (rarest.isEmpty()) {
            return null;
        }
        List<String> inOrder = words.stream().filter(rarest::contains).toList();
        String query = String.join(" ", inOrder) + " " + QueryCompiler.UPVOTES + ":>=" + TREND_UPVOTES;
        return compiles(query) ? query : null;
    }

    private boolean compiles(String query) {
        return compiled(query) != null;
    }

    private Node compiled(String query) {
        try {
            return checker.compile(query);
        } catch (InvalidQueryException e) {
            return null;
        }
    }
}
