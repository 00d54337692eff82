package io.paperalerts.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.Paper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The index against the plainest oracle, each live query asked on its own, while queries come
 * and go between papers: what the index keeps per term from one paper to the next, and the
 * wildcard marks it verifies with, must follow every change.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueryIndexTest {

    private final PaperAnalyzer analyzer = new PaperAnalyzer();
    private final QueryCompiler compiler = new QueryCompiler(analyzer);

    @Test
    void shouldMatchWhatEachLiveQueryMatchesWhileQueriesAreAddedReplacedAndRemoved() {
        // Given an index that queries join, change and leave between papers
        List<Paper> papers = SamplePapers.withAuthorsAndCategories();
        Random random = new Random(20261203);
        LuceneMonitorDifferentialTest.QueryGenerator generator =
                new LuceneMonitorDifferentialTest.QueryGenerator(papers, random);
        QueryIndex index = new QueryIndex(new TermStatistics());
        Map<String, Node> live = new HashMap<>();
        List<String> ids = new ArrayList<>();
        int wildcardMatches = 0;
        int agreed = 0;
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < 60; i++) {
                // A fresh id, or one already there, which replaces that query
                String id = random.nextInt(4) == 0 && !ids.isEmpty()
                        ? ids.get(random.nextInt(ids.size()))
                        : "q" + round + "-" + i;
                Node compiled;
                try {
                    compiled = compiler.compile(generator.next());
                } catch (InvalidQueryException rejected) {
                    continue;
                }
                index.put(id, compiled);
                if (live.put(id, compiled) == null) {
                    ids.add(id);
                }
            }
            for (int i = 0; i < 20 && !ids.isEmpty(); i++) {
                String gone = ids.remove(random.nextInt(ids.size()));
                index.remove(gone);
                live.remove(gone);
            }
            if (round == 20) {
                index.reanchor();
            }

            // When papers are matched between the changes
            for (int p = 0; p < 8; p++) {
                Paper paper = papers.get(random.nextInt(papers.size()));
                Set<String> actual = index.match(AnalyzedPaper.of(paper, analyzer)).stream()
                        .map(FiledQuery::id)
                        .collect(Collectors.toCollection(TreeSet::new));
                AnalyzedPaper alone = AnalyzedPaper.of(paper, analyzer);
                Set<String> expected = live.entrySet().stream()
                        .filter(e -> e.getValue().matches(alone))
                        .map(Map.Entry::getKey)
                        .collect(Collectors.toCollection(TreeSet::new));

                // Then the index finds exactly the live queries that match
                assertThat(actual).as("round %d, %s", round, paper.getId()).isEqualTo(expected);
                agreed += expected.size();
                wildcardMatches += (int) expected.stream()
                        .filter(id -> hasWildcard(live.get(id)))
                        .count();
            }
        }
        // And the comparison covered many matches, wildcards among them
        assertThat(agreed).isGreaterThan(1_000);
        assertThat(wildcardMatches).isGreaterThan(50);
    }

    @Test
    void shouldVerifyAWildcardBesideARarerWordAndForgetItWhenItsQueryLeaves() {
        // Given a paper, and a query whose wildcard is not what it is filed under
        Paper paper = Paper.newBuilder()
                .setId("p")
                .setTitle("Transformers for protein folding")
                .setAbstractText("We fold proteins.")
                .setAuthors(List.of())
                .setCategories(List.of())
                .setSource("test")
                .build();
        QueryIndex index = new QueryIndex(new TermStatistics());
        index.put("wildcard", compiler.compile("transfor* folding"));
        index.put("absent", compiler.compile("diffus* folding"));
        assertThat(ids(index.match(AnalyzedPaper.of(paper, analyzer)))).containsExactly("wildcard");

        // When the query leaves and one with another wildcard takes its id
        index.remove("absent");
        index.put("wildcard", compiler.compile("prote* folding"));
        index.put("later", compiler.compile("transfo*"));

        // Then the next match sees exactly the queries there now
        assertThat(ids(index.match(AnalyzedPaper.of(paper, analyzer)))).containsExactlyInAnyOrder("wildcard", "later");
        index.remove("wildcard");
        assertThat(ids(index.match(AnalyzedPaper.of(paper, analyzer)))).containsExactly("later");
    }

    private static List<String> ids(List<FiledQuery> entries) {
        return entries.stream().map(FiledQuery::id).toList();
    }

    private static boolean hasWildcard(Node node) {
        if (node instanceof Node.Prefix) {
            return true;
        }
        return node instanceof Node.Bool bool
                && (bool.must().stream().anyMatch(QueryIndexTest::hasWildcard)
                        || bool.should().stream().anyMatch(QueryIndexTest::hasWildcard)
                        || bool.mustNot().stream().anyMatch(QueryIndexTest::hasWildcard));
    }
}
