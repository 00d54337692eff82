package io.paperalerts.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each construct of the subscription language, on the real sample papers. */
class QueryLanguageTest {

    private final SubscriptionMatcher matcher = new SubscriptionMatcher();

    private List<String> matches(String query, List<Paper> papers) {
        Node compiled = matcher.compile(query);
        return papers.stream()
                .filter(p -> compiled.matches(matcher.analyze(p)))
                .map(Paper::getId)
                .toList();
    }

    private List<String> matches(String query) {
        return matches(query, SamplePapers.ALL);
    }

    private static Paper paper(String title, String abstractText, List<String> authors, List<String> categories) {
        return Paper.newBuilder()
                .setId(title)
                .setTitle(title)
                .setAbstractText(abstractText)
                .setAuthors(authors)
                .setCategories(categories)
                .setSource("test")
                .build();
    }

    @Test
    void shouldRequireEveryBareWordInTitleOrAbstract() {
        assertThat(matches("reward hacking"))
                .contains("seed-038", "seed-025", "seed-027")
                .doesNotContain("seed-032");
        // seed-038 has both words in its title; seed-017 only in its abstract
        assertThat(matches("reward hacking")).contains("seed-017");
        assertThat(matches("hacking")).containsAll(matches("reward hacking"));
    }

    @Test
    void shouldIgnoreCaseAndStem() {
        // "Reward Models" in titles; "hallucinations" in seed-002's abstract
        assertThat(matches("\"reward model\"")).contains("seed-008", "seed-009");
        assertThat(matches("hallucination")).contains("seed-002");
        assertThat(matches("HALLUCINATION")).isEqualTo(matches("hallucinations"));
    }

    @Test
    void shouldMatchPhrasesAsAdjacentWordsInOrder() {
        assertThat(matches("\"reward hacking\""))
                .contains("seed-038")
                .allMatch(id -> matches("reward hacking").contains(id));
        assertThat(matches("\"hacking reward\"")).doesNotContain("seed-038");
    }

    @Test
    void shouldTreatHyphensAndPunctuationAsWordSeparators() {
        // seed-002: "Chain-of-Thought" in the title
        assertThat(matches("\"chain-of-thought\""))
                .contains("seed-002")
                .isEqualTo(matches("\"chain of thought\""))
                .isEqualTo(matches("chain-of-thought"));
        assertThat(matches("\"text-to-image\"")).contains("seed-038", "seed-057");
    }

    @Test
    void shouldCombineOrAndNotWithParentheses() {
        List<String> grpo = matches("GRPO");
        List<String> diffusion = matches("diffusion");
        assertThat(matches("GRPO OR diffusion"))
                .containsExactlyInAnyOrderElementsOf(SamplePapers.ALL.stream()
                        .map(Paper::getId)
                        .filter(id -> grpo.contains(id) || diffusion.contains(id))
                        .toList());
        assertThat(matches("GRPO AND NOT diffusion"))
                .isEqualTo(matches("GRPO -diffusion"))
                .allMatch(id -> grpo.contains(id) && !diffusion.contains(id));
        assertThat(matches("(GRPO OR diffusion) -\"text-to-image\""))
                .doesNotContain("seed-058", "seed-048")
                .contains("seed-032");
    }

    @Test
    void shouldTreatOnlyUpperCaseOperatorsAsOperators() {
        // lower-case "or" is a word (stemmed "or"), required like any other
        assertThat(matches("GRPO or diffusion")).isEqualTo(matches("GRPO diffusion or"));
        assertThat(matches("GRPO or diffusion")).isNotEqualTo(matches("GRPO OR diffusion"));
    }

    @Test
    void shouldRestrictToTitleOrAbstractField() {
        assertThat(matches("title:GRPO")).containsExactlyInAnyOrder("seed-032", "seed-058");
        // "DenseGRPO" is one word
        assertThat(matches("title:DenseGRPO")).containsExactly("seed-048");
        assertThat(matches("GRPO")).hasSizeGreaterThan(3);
        assertThat(matches("title:(diffusion OR \"text-to-image\")"))
                .contains("seed-038", "seed-054", "seed-057", "seed-060");
        assertThat(matches("abstract:GRPO -title:GRPO"))
                .doesNotContain("seed-032")
                .contains("seed-003");
    }

    @Test
    void shouldMatchAuthorsWithoutStemmingAndNeverAcrossTwoAuthors() {
        List<Paper> papers = List.of(
                paper("P1", "", List.of("Ada Lovelace", "Alan Turing"), List.of()),
                paper("P2", "", List.of("Adas Lovelaces"), List.of()));

        assertThat(matches("author:lovelace", papers)).containsExactly("P1");
        assertThat(matches("author:\"ada lovelace\"", papers)).containsExactly("P1");
        assertThat(matches("author:\"lovelace alan\"", papers)).isEmpty();
    }

    @Test
    void shouldAnalyzeEachFieldByItsOwnRulesWhateverTheThreadAnalyzedBefore() {
        // Given a matcher whose thread first analyzes a category, then an author, then words
        SubscriptionMatcher fresh = new SubscriptionMatcher();
        Node category = fresh.compile("category:q-bio.NC");
        Node author = fresh.compile("author:lovelace");
        Node words = fresh.compile("diffusion models");
        Paper paper = paper("A diffusion model", "", List.of("Ada Lovelace"), List.of("q-bio.NC"));
        Paper plural = paper("Diffusion", "", List.of("Adas Lovelaces"), List.of("q-bio"));

        // When papers are analyzed on that thread, title and abstract first
        AnalyzedPaper analyzed = fresh.analyze(paper);
        AnalyzedPaper other = fresh.analyze(plural);

        // Then words are stemmed, authors are not, and a category is one term
        assertThat(words.matches(analyzed)).isTrue();
        assertThat(author.matches(analyzed)).isTrue();
        assertThat(category.matches(analyzed)).isTrue();
        assertThat(author.matches(other)).isFalse();
        assertThat(category.matches(other)).isFalse();
    }

    @Test
    void shouldMatchCategoriesExactlyIgnoringCase() {
        List<Paper> papers = List.of(
                paper("P1", "", List.of(), List.of("cs.LG", "stat.ML")), paper("P2", "", List.of(), List.of("cs.CL")));

        assertThat(matches("category:cs.LG", papers)).containsExactly("P1");
        assertThat(matches("category:cs.lg", papers)).containsExactly("P1");
        assertThat(matches("category:cs", papers)).isEmpty();
        assertThat(matches("category:cs*", papers)).containsExactly("P1", "P2");
    }

    @Test
    void shouldNeverMatchAPhraseAcrossTitleAndAbstract() {
        List<Paper> papers = List.of(paper("Learning to Reward", "Hacking is the topic.", List.of(), List.of()));

        assertThat(matches("reward hacking", papers)).hasSize(1);
        assertThat(matches("\"reward hacking\"", papers)).isEmpty();
    }

    @Test
    void shouldExpandATrailingWildcard() {
        // "Robots" (seed-035), "Robot" (seed-037), "robotic" elsewhere
        assertThat(matches("robot*")).contains("seed-035", "seed-037").containsAll(matches("robot"));
        assertThat(matches("title:robot*")).contains("seed-035", "seed-037");
    }

    @Test
    void shouldExplainWhyAPaperMatched() {
        Paper paper = SamplePapers.byId("seed-038");
        Node query = matcher.compile("\"reward hacking\" text-to-image");

        Explanation why = Explanation.of(query, matcher.analyze(paper));

        assertThat(why.matched()).containsExactly("Reward Hacking", "Text-to-Image");
        assertThat(why.snippet()).contains("Understanding Reward Hacking in Text-to-Image");
    }

    private static Paper upvoted(String id, Integer upvotes) {
        return Paper.newBuilder()
                .setId(id)
                .setTitle("A reward model for diffusion")
                .setAbstractText("")
                .setSource("test")
                .setUpvotes(upvotes)
                .build();
    }

    @Test
    void shouldFilterByUpvotesAtOrAboveOrStrictlyAboveTheThreshold() {
        List<Paper> papers = List.of(upvoted("none", null), upvoted("u19", 19), upvoted("u20", 20), upvoted("u21", 21));

        assertThat(matches("\"reward model\" upvotes:>=20", papers)).containsExactly("u20", "u21");
        assertThat(matches("\"reward model\" upvotes:>20", papers)).containsExactly("u21");
        assertThat(matches("(diffusion upvotes:>=21) OR title:unrelated", papers))
                .containsExactly("u21");
        // A paper without upvotes (arXiv only) never passes; negated, everything below does
        assertThat(matches("reward -upvotes:>=20", papers)).containsExactly("none", "u19");
    }

    @Test
    void shouldExplainAnUpvoteFilterWithTheCount() {
        Node query = matcher.compile("reward upvotes:>=20");

        Explanation why = Explanation.of(query, matcher.analyze(upvoted("u25", 25)));

        assertThat(why.matched()).containsExactly("reward", "25 upvotes");
    }

    @Test
    void shouldRejectAnInvalidUpvoteFilterSayingWhere() {
        assertRejected("reward upvotes:>=x", "invalid upvote filter 'upvotes:>=x' at position 8");
        assertRejected("upvotes:20.. reward", "invalid upvote filter 'upvotes:20..' at position 1");
        assertRejected("reward upvotes:=20", "write upvotes:>=N or upvotes:>N");
        assertRejected("reward upvotes:>=", "invalid upvote filter");
        assertRejected("reward upvotes:[20 TO *]", "invalid upvote filter");
        assertRejected("reward upvotes:>=99999999999", "invalid upvote filter");
        // A count of 0 alone would match every paper that has one
        assertRejected("upvotes:>=0", "upvotes:>=0 without a word would match every paper with an upvote count");
        assertRejected("-upvotes:>=20", "no word that must appear");
    }

    @Test
    void shouldAlertEveryPaperThatReachesAnUpvoteThresholdWithoutAWord() {
        // Given subscriptions that ask only for upvotes, one of them with a word it must not have
        SubscriptionMatcher subscriptions = new SubscriptionMatcher();
        subscriptions.update("fifty", subscription("fifty", "upvotes:>=50"));
        subscriptions.update("over-twenty", subscription("over-twenty", "upvotes:>20 -diffusion"));
        subscriptions.update("either", subscription("either", "upvotes:>=100 OR upvotes:>=30"));
        subscriptions.update("words", subscription("words", "reward"));

        // When papers with and without upvotes are matched
        Paper none = upvoted("none", null);
        Paper twentyOne = upvoted("u21", 21);
        twentyOne.setTitle("A reward model");
        Paper fifty = upvoted("u50", 50);

        // Then each reaches exactly the thresholds it passes, through the index
        assertThat(ids(subscriptions.match(none))).containsExactly("words");
        assertThat(ids(subscriptions.match(twentyOne))).containsExactlyInAnyOrder("over-twenty", "words");
        assertThat(ids(subscriptions.match(fifty))).containsExactlyInAnyOrder("fifty", "either", "words");
        // And one removed matches no more
        subscriptions.update("fifty", null);
        assertThat(ids(subscriptions.match(fifty))).containsExactlyInAnyOrder("either", "words");
    }

    private static Subscription subscription(String id, String query) {
        return Subscription.newBuilder()
                .setId(id)
                .setEmail(id + "@example.org")
                .setQuery(query)
                .setDelivery(DeliveryMode.INSTANT)
                .setStatus(SubscriptionStatus.ACTIVE)
                .setCreated(Instant.EPOCH)
                .build();
    }

    private static List<String> ids(List<SubscriptionMatcher.Match> matches) {
        return matches.stream().map(m -> m.subscription().getId()).toList();
    }

    @Test
    void shouldRejectInvalidQueriesSayingWhatAndWhere() {
        assertRejected("", "empty query");
        assertRejected("   ", "empty query");
        assertRejected("(reward OR hacking", "unbalanced parentheses: '(' at position 1 is never closed");
        assertRejected("reward) hacking", "unbalanced parentheses: ')' at position 7 has no matching '('");
        assertRejected("\"reward hacking", "unbalanced quotes: the quote at position 1 is never closed");
        assertRejected(
                "venue:NeurIPS reward",
                "unknown field 'venue' at position 1; fields are title, abstract, author, category and upvotes");
        assertRejected("-reward", "no word that must appear");
        assertRejected("NOT reward AND NOT hacking", "no word that must appear");
        assertRejected("*", "a bare * would match every paper");
        assertRejected("r*", "wildcard 'r*' needs at least 2 letters before *");
        assertRejected("ro*ot", "only a trailing * is");
        assertRejected("reward~", "fuzzy matching (~) is not supported");
        assertRejected("\"reward hacking\"~2", "proximity");
        assertRejected("reward^2", "boosts (^) are not supported");
        assertRejected("x".repeat(501), "query is 501 characters long; at most 500 are allowed");
        assertRejected(String.join(" ", Collections.nCopies(33, "reward")), "query has 33 clauses; at most 32");
        assertRejected("reward AND", "invalid query");
        assertRejected("\"!!!\"", "query has no words to match");
        // Found by QueryParserFuzzTest: a broken regular expression was an IllegalArgumentException
        assertRejected("/\\/", "invalid query");
    }

    private void assertRejected(String query, String message) {
        assertThatThrownBy(() -> matcher.compile(query))
                .as(query)
                .isInstanceOf(InvalidQueryException.class)
                .hasMessageContaining(message);
    }
}
