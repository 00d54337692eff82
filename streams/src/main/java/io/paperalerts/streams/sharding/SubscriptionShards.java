package io.paperalerts.streams.sharding;

import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.queries.Recipients;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The matched subscriptions of this instance, split into shards: the task of shard {@code n}
 * matches every paper (each is sent to every shard) against the subscriptions of shard {@code n}
 * only, so an instance's heap holds the shards of its tasks rather than every subscription.
 *
 * <p>A subscription's shard is its recipient's ({@link #shardOf}): all the subscriptions of one
 * address are in one shard, so a paper still makes one alert per recipient, naming each of their
 * subscriptions it matched, exactly as one matcher of every subscription does.
 *
 * <p>The subscriptions topic still feeds the global store (by id, on disk), which digests and the
 * archive read; this class routes each change the global thread reads to the shard it belongs
 * to, if one of this instance's tasks holds it. A shard's task applies those changes itself,
 * before it matches a paper, so its matcher is only ever used by one thread.
 */
public final class SubscriptionShards {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionShards.class);

    private static final SubscriptionShards NONE = new SubscriptionShards(0);

    private final int count;
    private final Map<Integer, Shard> open = new ConcurrentHashMap<>();

    /** @param count shards; 0: none, one matcher of every subscription serves every task */
    public SubscriptionShards(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("shards must be 0 or more, not " + count);
        }
        this.count = count;
    }

    public static SubscriptionShards none() {
        return NONE;
    }

    public boolean sharded() {
        return count > 0;
    }

    public int count() {
        return count;
    }

    /** The shard of a recipient's subscriptions, among {@code count}. */
    public static int shardOf(String email, int count) {
        byte[] recipient = Recipients.of(email).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(recipient)) % count;
    }

    /**
     * Whether a subscription is matched by a shard: an active one matched paper by paper. Trending
     * subscriptions are ranked once a day from the one matcher every instance keeps.
     */
    public static boolean shardable(Subscription subscription) {
        return subscription != null && subscription.getTrendingTop() == null;
    }

    /** Whether shard {@code shard} matches the subscription ({@code null}: deleted, so none). */
    public boolean holds(int shard, Subscription subscription) {
        return shardable(subscription) && shardOf(subscription.getEmail(), count) == shard;
    }

    /** Tells the shards of this instance of a change read from the subscriptions topic ({@code null}: deleted). */
    public void changed(String id, Subscription subscription) {
        // A subscription whose address changed leaves its old shard: every open shard hears of it.
        open.forEach(
                (shard, state) -> state.pending.add(new Change(id, holds(shard, subscription) ? subscription : null)));
    }

    /**
     * Opens shard {@code shard} for the task that now holds it: its matcher, loaded from the
     * subscriptions store; changes read meanwhile are applied before its first match.
     */
    public Shard open(int shard, ReadOnlyKeyValueStore<String, Subscription> subscriptions) {
        if (shard >= count) {
            throw new IllegalStateException("Task of shard " + shard + " but only " + count
                    + " shards are configured (streams.matching.shards)");
        }
        Shard state = new Shard(shard);
        // Open before loading: a change read while the store is scanned is then applied after it.
        open.put(shard, state);
        long started = System.nanoTime();
        Map<String, Subscription> mine = new LinkedHashMap<>();
        try (KeyValueIterator<String, Subscription> all = subscriptions.all()) {
            all.forEachRemaining(entry -> {
                if (holds(shard, entry.value)) {
                    mine.put(entry.key, entry.value);
                }
            });
        }
        state.matcher.load(mine).forEach((id, why) -> log.warn("Subscription {} is not matched: {}", id, why));
        log.info(
                "Shard {} of {}: {} subscriptions loaded in {} ms",
                shard,
                count,
                state.matcher.size(),
                (System.nanoTime() - started) / 1_000_000);
        return state;
    }

    /** Closes a shard's task: its matcher is dropped, and opened again where the task goes next. */
    public void close(Shard shard) {
        open.remove(shard.shard, shard);
    }

    /** Active subscriptions matched by this instance's open shards. */
    public int size() {
        return open.values().stream().mapToInt(s -> s.matcher.size()).sum();
    }

    /** The shards this instance holds now. */
    public Set<Integer> held() {
        return Set.copyOf(open.keySet());
    }

    private record Change(String id, Subscription subscription) {}

    /** One shard's matcher, used by its task's thread only, and the changes not yet applied to it. */
    public static final class Shard {

        private final int shard;
        private final SubscriptionMatcher matcher = new SubscriptionMatcher();
        private final ConcurrentLinkedQueue<Change> pending = new ConcurrentLinkedQueue<>();

        private Shard(int shard) {
            this.shard = shard;
        }

        /** The matcher, with every change read so far applied. */
        public SubscriptionMatcher matcher() {
            for (Change change = pending.poll(); change != null; change = pending.poll()) {
                apply(change);
            }
            return matcher;
        }

        private void apply(Change change) {
            try {
                matcher.update(change.id(), change.subscription());
            } catch (IllegalArgumentException e) {
                log.warn("Subscription {} is not matched: {}", change.id(), e.getMessage());
            }
        }
    }

    /** Sends each paper to every shard (KIP-837 multicast): any of them may hold a subscription it matches. */
    public static final class EveryShard implements StreamPartitioner<String, Paper> {

        private final Map<Integer, Optional<Set<Integer>>> all = new ConcurrentHashMap<>();

        @Override
        public Optional<Set<Integer>> partitions(
                String topic, String key, Paper value, Headers headers, int partitions) {
            return all.computeIfAbsent(
                    partitions,
                    n -> Optional.of(IntStream.range(0, n).boxed().collect(Collectors.toUnmodifiableSet())));
        }

        // Abstract still, though marked for removal (Kafka 4.4): Streams calls the one with headers.
        @Override
        @SuppressWarnings("removal")
        public Optional<Set<Integer>> partitions(String topic, String key, Paper value, int partitions) {
            return partitions(topic, key, value, null, partitions);
        }
    }
}
