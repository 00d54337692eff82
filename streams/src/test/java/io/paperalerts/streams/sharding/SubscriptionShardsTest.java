package io.paperalerts.streams.sharding;

import static io.paperalerts.streams.TestData.active;
import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.streams.MatchAlerts;
import io.paperalerts.streams.SampleAlerts;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SubscriptionShardsTest {

    private static final int SHARDS = 4;

    /** 60 subscriptions of 17 recipients, some of whom write their address in two ways. */
    private static List<Subscription> subscriptions() {
        return IntStream.range(0, 60)
                .mapToObj(i -> active(
                        "s" + i,
                        (i % 2 == 0 ? "Reader" : " reader") + (i % 17) + "@example.org",
                        SampleAlerts.QUERIES.get(i % SampleAlerts.QUERIES.size())))
                .toList();
    }

    /** Per paper, per recipient, the ids of the subscriptions that matched it. */
    private static Map<String, Map<String, Set<String>>> byRecipient(
            List<Paper> papers, List<SubscriptionMatcher> matchers) {
        Map<String, Map<String, Set<String>>> all = new TreeMap<>();
        for (Paper paper : papers) {
            for (SubscriptionMatcher matcher : matchers) {
                matcher.match(paper)
                        .forEach(m -> all.computeIfAbsent(paper.getId(), p -> new TreeMap<>())
                                .computeIfAbsent(MatchAlerts.recipient(m), r -> new TreeSet<>())
                                .add(m.subscription().getId()));
            }
        }
        return all;
    }

    @Test
    void shouldMatchEachPaperAcrossTheShardsExactlyAsOneMatcherOfEverySubscription() throws Exception {
        // Given the subscriptions in the store, and one matcher of all of them
        Store store = new Store();
        subscriptions().forEach(s -> store.put(s.getId(), s));
        SubscriptionMatcher oracle = new SubscriptionMatcher();
        subscriptions().forEach(s -> oracle.update(s.getId(), s));

        // When every shard is opened from the store
        SubscriptionShards shards = new SubscriptionShards(SHARDS);
        List<SubscriptionMatcher> matchers = IntStream.range(0, SHARDS)
                .mapToObj(n -> shards.open(n, store).matcher())
                .toList();

        // Then each shard holds a part, together every subscription once
        assertThat(matchers).allSatisfy(m -> assertThat(m.size()).isPositive().isLessThan(60));
        assertThat(shards.size()).isEqualTo(60);
        // And the papers make the same matches, each recipient's from a single shard
        List<Paper> papers = SampleAlerts.papers();
        Map<String, Map<String, Set<String>>> expected = byRecipient(papers, List.of(oracle));
        assertThat(expected).hasSizeGreaterThan(20);
        assertThat(byRecipient(papers, matchers)).isEqualTo(expected);
        for (Paper paper : papers) {
            for (SubscriptionMatcher matcher : matchers) {
                matcher.match(paper)
                        .forEach(m -> assertThat(SubscriptionShards.shardOf(
                                        m.subscription().getEmail(), SHARDS))
                                .isEqualTo(matchers.indexOf(matcher)));
            }
        }
    }

    @Test
    void shouldApplyChangesReadAfterAShardOpenedBeforeItsNextMatch() throws Exception {
        // Given every shard open
        Store store = new Store();
        SubscriptionShards shards = new SubscriptionShards(SHARDS);
        List<SubscriptionShards.Shard> open =
                IntStream.range(0, SHARDS).mapToObj(n -> shards.open(n, store)).toList();
        Subscription ada = active("ada-1", "ada@example.org", "title:GRPO");
        Subscription moved = active("ada-1", "someone.else@example.org", "title:GRPO");
        int adaShard = SubscriptionShards.shardOf(ada.getEmail(), SHARDS);
        int movedShard = SubscriptionShards.shardOf(moved.getEmail(), SHARDS);
        assertThat(movedShard).as("addresses chosen in different shards").isNotEqualTo(adaShard);
        Paper grpo = SampleAlerts.papers().stream()
                .filter(p -> p.getTitle().contains("GRPO"))
                .findFirst()
                .orElseThrow();

        // When a subscription arrives, then moves to another address, then is deleted
        shards.changed(ada.getId(), ada);
        // Then only its shard matches it
        assertThat(matchedBy(open, grpo)).containsExactly(adaShard);
        shards.changed(moved.getId(), moved);
        assertThat(matchedBy(open, grpo)).containsExactly(movedShard);
        shards.changed(moved.getId(), null);
        assertThat(matchedBy(open, grpo)).isEmpty();
        // And a trending subscription is no shard's: the one matcher every instance keeps ranks it
        Subscription trending = Subscription.newBuilder(ada).setTrendingTop(5).build();
        shards.changed(trending.getId(), trending);
        assertThat(matchedBy(open, grpo)).isEmpty();
        assertThat(SubscriptionShards.shardable(trending)).isFalse();
    }

    @Test
    void shouldForgetAClosedShardAndReloadItWhereItOpensNext() throws Exception {
        // Given a shard open, then closed, as its task moves to another instance
        Store store = new Store();
        subscriptions().forEach(s -> store.put(s.getId(), s));
        SubscriptionShards here = new SubscriptionShards(SHARDS);
        SubscriptionShards.Shard shard = here.open(1, store);
        int held = shard.matcher().size();
        assertThat(held).isPositive();
        here.close(shard);

        // Then it no longer counts here, and changes no longer queue for it
        assertThat(here.size()).isZero();
        assertThat(here.held()).isEmpty();
        // And opened again (elsewhere) it has the same subscriptions
        assertThat(new SubscriptionShards(SHARDS).open(1, store).matcher().size())
                .isEqualTo(held);
    }

    @Test
    void shouldSendEachPaperToEveryShard() {
        assertThat(new SubscriptionShards.EveryShard().partitions("papers-by-shard", "p1", null, null, 4))
                .contains(Set.of(0, 1, 2, 3));
    }

    private static List<Integer> matchedBy(List<SubscriptionShards.Shard> open, Paper paper) {
        List<Integer> shards = new ArrayList<>();
        for (int n = 0; n < open.size(); n++) {
            if (!open.get(n).matcher().match(paper).isEmpty()) {
                shards.add(n);
            }
        }
        return shards;
    }

    /** The global subscriptions store, as the shards read it. */
    private static final class Store implements ReadOnlyKeyValueStore<String, Subscription> {

        private final NavigableMap<String, Subscription> entries = new TreeMap<>();

        void put(String key, Subscription value) {
            entries.put(key, value);
        }

        @Override
        public Subscription get(String key) {
            return entries.get(key);
        }

        @Override
        public KeyValueIterator<String, Subscription> range(String from, String to) {
            return iterator(entries.subMap(from, true, to, true));
        }

        @Override
        public KeyValueIterator<String, Subscription> all() {
            return iterator(entries);
        }

        @Override
        public long approximateNumEntries() {
            return entries.size();
        }

        private static KeyValueIterator<String, Subscription> iterator(NavigableMap<String, Subscription> map) {
            Iterator<Map.Entry<String, Subscription>> it = new ArrayList<>(map.entrySet()).iterator();
            return new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<String, Subscription> next() {
                    Map.Entry<String, Subscription> next = it.next();
                    return KeyValue.pair(next.getKey(), next.getValue());
                }

                @Override
                public void close() {}

                @Override
                public String peekNextKey() {
                    throw new UnsupportedOperationException("not used by the shards");
                }
            };
        }
    }
}
