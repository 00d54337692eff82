package io.paperalerts.bench;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.local.EmbeddedKafkaBroker;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.backfill.Backfill;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Backfill speed: papers read and matched per second over a {@code papers} topic of N papers on
 * an embedded broker, for 1 and for 1,000 subscriptions, rounds alternating so both see the same
 * machine. Dry runs: the digests are built but not emitted (emitting is one record per recipient).
 *
 * <pre>
 * java -cp 'bench/target/bench.jar:bench/target/lib/*' io.paperalerts.bench.BackfillBenchmark [papers=100000] [rounds=3]
 * </pre>
 */
public final class BackfillBenchmark {

    private BackfillBenchmark() {}

    public static void main(String[] args) throws Exception {
        int paperCount = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        SyntheticCorpus corpus = new SyntheticCorpus(42, 40_000);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaClients clients = KafkaClients.of(broker.bootstrapServers());
            try (Admin admin = clients.admin()) {
                TopicProvisioner.createMissing(admin, Topics.ALL, (short) 1);
            }
            Instant since = Instant.now().minusSeconds(60);
            long publishStart = System.nanoTime();
            try (var producer = clients.producer(
                    Map.<String, Object>of(
                            ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                    Topics.PAPERS.keySerde().serializer(),
                    Topics.PAPERS.valueSerde().serializer())) {
                for (int i = 0; i < paperCount; i++) {
                    Paper paper = corpus.paper(i);
                    producer.send(new ProducerRecord<>(Topics.PAPERS.name(), paper.getId(), paper));
                }
            }
            System.err.printf("published %,d papers in %.1f s%n", paperCount, (System.nanoTime() - publishStart) / 1e9);
            List<Subscription> one = subscriptions(corpus, 1);
            List<Subscription> thousand = subscriptions(corpus, 1_000);
            Backfill backfill = new Backfill(clients, 50, Clock.systemUTC());
            backfill.run(one, since, true, (r, t, e) -> {});
            double[] oneRate = new double[rounds];
            double[] thousandRate = new double[rounds];
            int[] recipients = new int[2];
            for (int r = 0; r < rounds; r++) {
                Backfill.Result a = backfill.run(one, since, true, (read, total, elapsed) -> {});
                Backfill.Result b = backfill.run(thousand, since, true, (read, total, elapsed) -> {});
                check(a, paperCount);
                check(b, paperCount);
                oneRate[r] = a.papersPerSecond();
                thousandRate[r] = b.papersPerSecond();
                recipients[0] = a.digests().size();
                recipients[1] = b.digests().size();
                System.err.printf(
                        "round %d: 1 subscription %.0f papers/s, 1,000 subscriptions %.0f papers/s%n",
                        r + 1, oneRate[r], thousandRate[r]);
            }
            System.out.printf(
                    "| subscriptions | papers in topic | papers/s (median of %d) | time | recipients with papers |%n",
                    rounds);
            System.out.println("|---:|---:|---:|---:|---:|");
            row(1, paperCount, median(oneRate), recipients[0]);
            row(1_000, paperCount, median(thousandRate), recipients[1]);
        }
    }

    private static List<Subscription> subscriptions(SyntheticCorpus corpus, int count) {
        List<Subscription> subscriptions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            subscriptions.add(Subscription.newBuilder()
                    .setId("bench-" + count + "-" + i)
                    .setEmail("reader" + i + "@example.org")
                    .setQuery(corpus.subscription())
                    .setDelivery(DeliveryMode.DAILY)
                    .setStatus(SubscriptionStatus.ACTIVE)
                    .setCreated(Instant.now())
                    .build());
        }
        return subscriptions;
    }

    private static void check(Backfill.Result result, int expected) {
        if (result.papersRead() != expected) {
            throw new IllegalStateException("Read " + result.papersRead() + " papers, expected " + expected);
        }
    }

    private static void row(int subscriptions, int papers, double rate, int recipients) {
        System.out.printf(
                "| %,d | %,d | %,.0f | %.1f s | %,d |%n", subscriptions, papers, rate, papers / rate, recipients);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
