package io.paperalerts.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.Paper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.lucene.monitor.Monitor;
import org.apache.lucene.monitor.MonitorQuery;
import org.apache.lucene.monitor.QueryMatch;
import org.junit.jupiter.api.Test;

/**
 * Lucene Monitor, Lucene's own percolator, is the reference: thousands of random queries over the
 * real sample papers must match exactly the same papers in both engines.
 */
class LuceneMonitorDifferentialTest {

    private static final int QUERIES = 4_000;

    private final PaperAnalyzer analyzer = new PaperAnalyzer();
    private final QueryCompiler compiler = new QueryCompiler(analyzer);

    @Test
    void shouldMatchExactlyWhatLuceneMonitorMatchesForThousandsOfRandomQueries() throws Exception {
        // Given thousands of random queries built from the papers' own words
        List<Paper> papers = SamplePapers.withAuthorsAndCategories();
        QueryGenerator generator = new QueryGenerator(papers, new Random(20261128));
        TermStatistics statistics = new TermStatistics();
        QueryIndex index = new QueryIndex(statistics);
        Map<String, String> accepted = new HashMap<>();
        try (Monitor monitor = new Monitor(analyzer)) {
            List<MonitorQuery> reference = new ArrayList<>();
            for (int i = 0; accepted.size() < QUERIES; i++) {
                String id = "q" + i;
                String query = generator.next();
                Node compiled;
                try {
                    compiled = compiler.compile(query);
                } catch (InvalidQueryException rejected) {
                    continue;
                }
                accepted.put(id, query);
                index.put(id, compiled);
                reference.add(new MonitorQuery(id, compiler.parse(query)));
            }
            monitor.register(reference);

            // When every paper is matched by both engines
            int agreed = 0;
            for (Paper paper : papers) {
                Set<String> expected =
                        monitor.match(PaperDocument.of(paper), QueryMatch.SIMPLE_MATCHER).getMatches().stream()
                                .map(QueryMatch::getQueryId)
                                .collect(Collectors.toCollection(TreeSet::new));
                Set<String> actual = index.match(AnalyzedPaper.of(paper, analyzer)).stream()
                        .map(FiledQuery::id)
                        .collect(Collectors.toCollection(TreeSet::new));

                // Then they agree, query by query
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(actual);
                Set<String> extra = new TreeSet<>(actual);
                extra.removeAll(expected);
                assertThat(missing)
                        .as(
                                "%s: queries only Lucene Monitor matched: %s",
                                paper.getId(),
                                missing.stream().map(accepted::get).toList())
                        .isEmpty();
                assertThat(extra)
                        .as(
                                "%s: queries only our matcher matched: %s",
                                paper.getId(), extra.stream().map(accepted::get).toList())
                        .isEmpty();
                agreed += expected.size();
            }
            // And the comparison was not trivial
            assertThat(agreed).as("matches agreed on").isGreaterThan(QUERIES);
        }
    }

    /** Random queries in the subscription language, from words and adjacent word pairs of the papers. */
    static final class QueryGenerator {
        private final Random random;
        private final List<String> words = new ArrayList<>();
        private final List<String> pairs = new ArrayList<>();
        private final List<String> authors = new ArrayList<>();
        private final List<String> categories = new ArrayList<>();

        QueryGenerator(List<Paper> papers, Random random) {
            this.random = random;
            for (Paper paper : papers) {
                for (String text : List.of(paper.getTitle(), paper.getAbstractText())) {
                    String[] tokens = text.split("[^\\p{L}\\p{N}-]+");
                    for (int i = 0; i < tokens.length; i++) {
                        if (tokens[i].length() > 1) {
                            words.add(tokens[i]);
                            if (i + 1 < tokens.length && tokens[i + 1].length() > 1) {
                                pairs.add(tokens[i] + " " + tokens[i + 1]);
                            }
                        }
                    }
                }
                paper.getAuthors().forEach(a -> authors.add(a.split(" ")[a.split(" ").length - 1]));
                categories.addAll(paper.getCategories());
            }
        }

        String next() {
            int parts = 1 + random.nextInt(3);
            StringBuilder query = new StringBuilder();
            for (int i = 0; i < parts; i++) {
                if (i > 0) {
                    query.append(
                            switch (random.nextInt(6)) {
                                case 0, 1 -> " OR ";
                                case 2 -> " AND ";
                                case 3 -> " -";
                                case 4 -> " AND NOT ";
                                default -> " ";
                            });
                }
                query.append(clause(0));
            }
            return query.toString();
        }

        private String clause(int depth) {
            int kind = random.nextInt(depth > 0 ? 9 : 10);
            return switch (kind) {
                case 0, 1, 2 -> pick(words);
                case 3 -> pick(words).toUpperCase(Locale.ROOT);
                case 4 -> "\"" + pick(pairs) + "\"";
                case 5 -> (random.nextBoolean() ? "title:" : "abstract:") + pick(words);
                case 6 -> prefix(pick(words)) + "*";
                case 7 -> random.nextBoolean() ? "author:" + pick(authors) : "category:" + pick(categories);
                case 8 -> "title:\"" + pick(pairs) + "\"";
                default -> "(" + clause(depth + 1) + (random.nextBoolean() ? " OR " : " ") + clause(depth + 1) + ")";
            };
        }

        private String prefix(String word) {
            String letters = word.replaceAll("[^\\p{L}]", "");
            return letters.length() < 3
                    ? "ab"
                    : letters.substring(0, Math.min(letters.length(), 2 + random.nextInt(4)));
        }

        private String pick(List<String> from) {
            return from.get(random.nextInt(from.size()));
        }
    }
}
