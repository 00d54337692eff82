package io.paperalerts.bench;

import io.paperalerts.matching.PaperAnalyzer;
import io.paperalerts.matching.QueryCompiler;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.streams.AlertTopology;
import io.paperalerts.streams.sharding.SubscriptionShards;
import io.paperalerts.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * What opening one shard's task costs at N subscriptions (issue 34: each instance loads its shard
 * in under 60 s): the scan of the subscriptions store that every instance keeps (RocksDB, a global
 * store, as in the service) in which the task finds its own, and then the whole of {@link
 * SubscriptionShards#open}, the scan and the build of the shard's matcher; then the matcher's load
 * alone, side by side: all at once ({@link SubscriptionMatcher#load}, as a shard opens now) and one
 * subscription at a time ({@link SubscriptionMatcher#update}). The store is filled
 * through Kafka Streams' test driver, so no broker is needed; the subscriptions are those of the
 * matching benchmark at the same size, each of a recipient of its own. Prints a Markdown table.
 *
 * <pre>
 * java -Xms6g -Xmx6g -cp 'bench/target/bench.jar:bench/target/lib/*' io.paperalerts.bench.ShardOpenBenchmark \
 *     [subscriptions=1000000,10000000] [shards=4]
 * </pre>
 */
public final class ShardOpenBenchmark {

    private record Row(
            int subscriptions,
            int shards,
            double fill,
            double scan,
            int held,
            double open,
            double heapMb,
            double loadAtOnce,
            double loadOneByOne) {}

    public static void main(String[] args) throws IOException {
        List<Integer> sizes = List.of(1_000_000, 10_000_000);
        int shards = 4;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "subscriptions" ->
                    sizes = Stream.of(kv[1].split(",")).map(Integer::parseInt).toList();
                case "shards" -> shards = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        System.out.printf(
                "Java %s, %d cores, max heap %d MB, store on %s%n%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.io.tmpdir"));
        List<Row> rows = new ArrayList<>();
        for (int size : sizes) {
            rows.add(run(size, shards));
        }
        System.out.println("| subscriptions | shards | store filled | scan of the store (its shard's found) "
                + "| shard opened: scan and matcher | shard's heap | matcher's load: at once / one by one |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (Row row : rows) {
            System.out.printf(
                    "| %,d | %d | %.1f s | %.1f s (%,d) | %.1f s | %,.0f MB | %.1f / %.1f s (%.2fx) |%n",
                    row.subscriptions(),
                    row.shards(),
                    row.fill(),
                    row.scan(),
                    row.held(),
                    row.open(),
                    row.heapMb(),
                    row.loadAtOnce(),
                    row.loadOneByOne(),
                    row.loadAtOnce() / row.loadOneByOne());
        }
    }

    private static Row run(int size, int shards) throws IOException {
        Path state = Files.createTempDirectory("shard-open-");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "shard-open-bench");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(subscriptionsStore(), props)) {
            TestInputTopic<String, Subscription> input = driver.createInputTopic(
                    Topics.SUBSCRIPTIONS.name(),
                    Topics.SUBSCRIPTIONS.keySerde().serializer(),
                    Topics.SUBSCRIPTIONS.valueSerde().serializer());
            Instant now = Instant.parse("2026-12-01T00:00:00Z");
            int[] next = {0};
            long started = System.nanoTime();
            MatchingBenchmark.forEachQuery(size, new QueryCompiler(new PaperAnalyzer()), query -> {
                int i = next[0]++;
                input.pipeInput(
                        "s" + i,
                        BenchPipeline.subscription(
                                "s" + i, "reader-" + i + "@example.org", query, DeliveryMode.INSTANT, now));
            });
            double fill = seconds(started);
            KeyValueStore<String, Subscription> store = driver.getKeyValueStore(AlertTopology.SUBSCRIPTIONS_STORE);

            SubscriptionShards all = new SubscriptionShards(shards);
            started = System.nanoTime();
            int held = 0;
            try (KeyValueIterator<String, Subscription> scanned = store.all()) {
                while (scanned.hasNext()) {
                    if (all.holds(0, scanned.next().value)) {
                        held++;
                    }
                }
            }
            double scan = seconds(started);

            long heap = MatchingBenchmark.usedHeap();
            started = System.nanoTime();
            SubscriptionShards.Shard shard = all.open(0, store);
            double open = seconds(started);
            double mb = (MatchingBenchmark.usedHeap() - heap) / 1048576.0;
            if (shard.matcher().size() != held) {
                throw new IllegalStateException(
                        "shard 0 holds " + shard.matcher().size() + " subscriptions, the scan found " + held);
            }
            System.err.printf("%,d subscriptions: shard 0 of %d holds %,d%n", size, shards, held);
            all.close(shard);

            // The matcher's load alone, side by side: all at once (as open does) and one by one (as before).
            Map<String, Subscription> mine = new LinkedHashMap<>();
            try (KeyValueIterator<String, Subscription> scanned = store.all()) {
                scanned.forEachRemaining(e -> {
                    if (all.holds(0, e.value)) {
                        mine.put(e.key, e.value);
                    }
                });
            }
            double atOnce = timedLoad(mine, (matcher, subscriptions) -> matcher.load(subscriptions));
            double oneByOne = timedLoad(mine, (matcher, subscriptions) -> subscriptions.forEach(matcher::update));
            return new Row(size, shards, fill, scan, held, open, mb, atOnce, oneByOne);
        } finally {
            DeliveryRecordBenchmark.deleteRecursively(state);
        }
    }

    /** The subscriptions store as the service keeps it: a global RocksDB store of the compacted topic. */
    private static Topology subscriptionsStore() {
        Topology topology = new Topology();
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(AlertTopology.SUBSCRIPTIONS_STORE),
                                Topics.SUBSCRIPTIONS.keySerde(),
                                Topics.SUBSCRIPTIONS.valueSerde())
                        .withLoggingDisabled(),
                "subscriptions-source",
                Topics.SUBSCRIPTIONS.keySerde().deserializer(),
                Topics.SUBSCRIPTIONS.valueSerde().deserializer(),
                Topics.SUBSCRIPTIONS.name(),
                "subscriptions-updater",
                () -> new Processor<String, Subscription, Void, Void>() {
                    private KeyValueStore<String, Subscription> store;

                    @Override
                    public void init(ProcessorContext<Void, Void> context) {
                        store = context.getStateStore(AlertTopology.SUBSCRIPTIONS_STORE);
                    }

                    @Override
                    public void process(Record<String, Subscription> record) {
                        store.put(record.key(), record.value());
                    }
                });
        return topology;
    }

    /** Seconds to load the subscriptions into a new matcher, which is then dropped. */
    private static double timedLoad(
            Map<String, Subscription> subscriptions, BiConsumer<SubscriptionMatcher, Map<String, Subscription>> load) {
        MatchingBenchmark.usedHeap();
        SubscriptionMatcher matcher = new SubscriptionMatcher();
        long started = System.nanoTime();
        load.accept(matcher, subscriptions);
        double seconds = seconds(started);
        if (matcher.size() != subscriptions.size()) {
            throw new IllegalStateException("loaded " + matcher.size() + " of " + subscriptions.size());
        }
        return seconds;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
