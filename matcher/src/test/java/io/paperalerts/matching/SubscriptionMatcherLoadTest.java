package io.paperalerts.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Loading many subscriptions at once, as a shard's task does when it opens, is updating each. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubscriptionMatcherLoadTest {

    private static final List<String> QUERIES = List.of(
            "agent*",
            "reasoning AND (math OR mathematical)",
            "title:diffusion",
            "\"language model\" -survey",
            "author:turing",
            "video OR image",
            "reinforcement learning",
            "benchmark* AND evaluat*",
            "category:cs.CL",
            "distillation",
            "title:(\"image generation\" OR diffusion)",
            "upvotes:>=10",
            "title:",
            "\"unclosed",
            "*");

    @Test
    void shouldMatchExactlyAsUpdatingEachWhenLoadingManyAtOnce() {
        // Given subscriptions of every kind: active, pending, cancelled, trending, invalid, deleted
        Map<String, Subscription> many = new LinkedHashMap<>();
        for (int i = 0; i < 600; i++) {
            many.put("s" + i, i % 23 == 22 ? null : subscription(i));
        }
        // and two matchers that already hold some of them, one of which the load deletes or changes
        SubscriptionMatcher loaded = new SubscriptionMatcher();
        SubscriptionMatcher updated = new SubscriptionMatcher();
        for (int i = 0; i < 600; i += 5) {
            Subscription before = subscription(i + 1);
            before.setId("s" + i);
            updateIgnoringInvalid(loaded, "s" + i, before);
            updateIgnoringInvalid(updated, "s" + i, before);
        }

        // When one loads them all at once and the other updates each
        Map<String, String> refused = loaded.load(many);
        Map<String, String> refusedOneByOne = new LinkedHashMap<>();
        many.forEach((id, subscription) -> {
            String why = updateIgnoringInvalid(updated, id, subscription);
            if (why != null) {
                refusedOneByOne.put(id, why);
            }
        });

        // Then both hold, refuse and match the same
        assertThat(refused)
                .as("the invalid queries, named")
                .isEqualTo(refusedOneByOne)
                .isNotEmpty();
        assertThat(loaded.size()).isEqualTo(updated.size()).isGreaterThan(300);
        assertThat(ids(loaded.trending())).isEqualTo(ids(updated.trending())).isNotEmpty();
        int matched = 0;
        for (Paper paper : SamplePapers.withAuthorsAndCategories()) {
            TreeSet<String> expected = matchIds(updated, paper);
            assertThat(matchIds(loaded, paper)).as(paper.getTitle()).isEqualTo(expected);
            matched += expected.size();
        }
        assertThat(matched).as("matches over the sample papers").isGreaterThan(100);
    }

    private static String updateIgnoringInvalid(SubscriptionMatcher matcher, String id, Subscription subscription) {
        try {
            matcher.update(id, subscription);
            return null;
        } catch (InvalidQueryException e) {
            return e.getMessage();
        }
    }

    private static TreeSet<String> matchIds(SubscriptionMatcher matcher, Paper paper) {
        TreeSet<String> ids = new TreeSet<>();
        matcher.match(paper).forEach(m -> ids.add(m.subscription().getId()));
        return ids;
    }

    private static TreeSet<String> ids(List<SubscriptionMatcher.Trending> trending) {
        TreeSet<String> ids = new TreeSet<>();
        trending.forEach(t -> ids.add(t.subscription().getId()));
        return ids;
    }

    private static Subscription subscription(int i) {
        SubscriptionStatus status = i % 11 == 3
                ? SubscriptionStatus.PENDING
                : i % 13 == 4 ? SubscriptionStatus.CANCELLED : SubscriptionStatus.ACTIVE;
        boolean trending = i % 17 == 5;
        return Subscription.newBuilder()
                .setId("s" + i)
                .setEmail("reader-" + (i % 40) + "@example.org")
                .setQuery(trending && i % 2 == 0 ? "" : QUERIES.get(i % QUERIES.size()))
                .setDelivery(DeliveryMode.INSTANT)
                .setStatus(status)
                .setCreated(Instant.EPOCH)
                .setTrendingTop(trending ? 5 : null)
                .build();
    }
}
