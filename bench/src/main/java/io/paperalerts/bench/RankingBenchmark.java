package io.paperalerts.bench;

import io.paperalerts.ingest.format.ArxivOaiParser;
import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.relevance.DocumentFrequencies;
import io.paperalerts.relevance.PaperTexts;
import io.paperalerts.relevance.ReaderModel;
import io.paperalerts.relevance.ReaderModel.Judged;
import io.paperalerts.relevance.ReaderModel.Judgement;
import io.paperalerts.relevance.ReaderRanking;
import io.paperalerts.relevance.TermVector;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Opinion;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderModelState;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.ranking.AnalysedPapers;
import io.paperalerts.streams.ranking.DigestRanking;
import io.paperalerts.streams.ranking.ReaderLearner;
import io.paperalerts.streams.ranking.ReaderModels;
import io.paperalerts.testing.ArxivListing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Offline evaluation of the per-reader ranking (issue 35): simulated readers over real papers.
 *
 * <p>The papers are a real page of arXiv's OAI-PMH listing (265 papers of one day across physics,
 * mathematics and computer science). A reader subscribes to a broad keyword query and is
 * interested in one subject inside it (the paper's first Dublin Core subject, e.g. "Computer
 * Science - Robotics"): those papers are relevant, the others not. For each reader and each of
 * {@code splits} random splits, half the query's papers came earlier (the reader clicks among
 * them) and half are the next digest. The reader clicks 10 times: each time they look at the first
 * 10 earlier papers in their current order (keyword order before the first click, then the
 * model's, as a digest re-ranked after each click would show them), click "more like this" on the
 * first relevant one, or "less like this" on the first one if none is. The next digest is then
 * ranked by the model, and its nDCG@10 (binary relevance) is compared with keyword order's (newest
 * first, as emails list). It also times one model update with 500 clicks behind it.
 *
 * <pre>
 * java -cp 'bench/target/bench.jar:bench/target/lib/*' io.paperalerts.bench.RankingBenchmark [splits=20]
 * </pre>
 */
public final class RankingBenchmark {

    static final List<String> QUERIES = List.of("model", "data OR learning", "energy OR field OR quantum");
    static final int CLICKS = 10;
    static final int MIN_RELEVANT = 6;

    private final Map<String, String> subjects;
    private final Map<String, TermVector> vectors = new HashMap<>();
    private final List<Paper> papers;

    RankingBenchmark() {
        papers = ArxivOaiParser.parse(ArxivListing.bytes(), "arxiv-oai").stream()
                .filter(e -> e instanceof PaperEntry.Parsed)
                .map(e -> ((PaperEntry.Parsed) e).paper())
                .toList();
        subjects = ArxivListing.primarySubjects();
        PaperTexts texts = new PaperTexts();
        DocumentFrequencies frequencies = new DocumentFrequencies();
        papers.forEach(p -> frequencies.add(texts.counts(p)));
        papers.forEach(p -> vectors.put(p.getId(), texts.vector(p, frequencies)));
    }

    public static void main(String[] args) throws Exception {
        int splits = 20;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv[0].equals("splits")) {
                splits = Integer.parseInt(kv[1]);
            } else {
                throw new IllegalArgumentException("Unknown argument " + arg + "; takes splits=N");
            }
        }
        new RankingBenchmark().run(splits);
    }

    /** A way of learning from the clicks, side by side with the others in one run. */
    /** @param maxTerms the terms the reader's model keeps ({@link ReaderModel#pruned}); 0 for all */
    record Variant(String name, double cost, boolean passedOver, int maxTerms) {}

    void run(int splits) throws Exception {
        List<Variant> variants = List.of(
                new Variant("clicks, C=1", 1, false, 0),
                new Variant("clicks, C=10", 10, false, 0),
                new Variant("clicks and papers passed over, C=10", 10, true, 0),
                new Variant(
                        "the same, kept to " + String.format("%,d", ReaderModels.MAX_TERMS)
                                + " terms (as the pipeline)",
                        10,
                        true,
                        ReaderModels.MAX_TERMS));
        System.out.printf(
                "%d papers, %d subjects; queries %s; %d clicks; %d splits per reader%n%n",
                papers.size(), new HashSet<>(subjects.values()).size(), QUERIES, CLICKS, splits);
        System.out.println("| query | readers (subject has >= " + MIN_RELEVANT
                + " of its papers) | digests scored | nDCG@10 keyword order | "
                + String.join(
                        " | ",
                        variants.stream()
                                .map(v -> "nDCG@10 ranked: " + v.name())
                                .toList()) + " |");
        System.out.println("|---|---:|---:|---:|" + "---:|".repeat(variants.size()));
        double[] all = new double[variants.size() + 1];
        int allDigests = 0;
        for (String query : QUERIES) {
            List<Paper> matched = matching(query);
            Map<String, Integer> bySubject = new TreeMap<>();
            matched.forEach(p -> bySubject.merge(subjects.getOrDefault(p.getId(), ""), 1, Integer::sum));
            List<String> readers = bySubject.entrySet().stream()
                    .filter(e -> !e.getKey().isEmpty() && e.getValue() >= MIN_RELEVANT)
                    .map(Map.Entry::getKey)
                    .toList();
            double[] sums = new double[variants.size() + 1];
            int digests = 0;
            for (String subject : readers) {
                for (int split = 0; split < splits; split++) {
                    List<Paper> shuffled = new ArrayList<>(matched);
                    Collections.shuffle(shuffled, new Random(split * 7919L + subject.hashCode()));
                    List<Paper> earlier = keywordOrder(shuffled.subList(0, shuffled.size() / 2));
                    List<Paper> digest = keywordOrder(shuffled.subList(shuffled.size() / 2, shuffled.size()));
                    if (digest.stream().noneMatch(p -> subject.equals(subjects.get(p.getId())))) {
                        continue;
                    }
                    digests++;
                    sums[0] += ndcg10(digest, subject);
                    for (int v = 0; v < variants.size(); v++) {
                        ReaderModel model = clicked(earlier, subject, variants.get(v));
                        List<Paper> ranked = ReaderRanking.rank(digest, p -> vectors.get(p.getId()), model).stream()
                                .map(ReaderRanking.Ranked::item)
                                .toList();
                        sums[v + 1] += ndcg10(ranked, subject);
                    }
                }
            }
            StringBuilder row = new StringBuilder(String.format(
                    "| `%s` (%d papers) | %d | %d | %.3f |",
                    query, matched.size(), readers.size(), digests, sums[0] / digests));
            for (int v = 0; v < variants.size(); v++) {
                row.append(String.format(" %.3f (%.2fx) |", sums[v + 1] / digests, sums[v + 1] / sums[0]));
            }
            System.out.println(row);
            for (int i = 0; i < all.length; i++) {
                all[i] += sums[i];
            }
            allDigests += digests;
        }
        StringBuilder row = new StringBuilder(String.format("| all | | %d | %.3f |", allDigests, all[0] / allDigests));
        for (int v = 0; v < variants.size(); v++) {
            row.append(String.format(" %.3f (%.2fx) |", all[v + 1] / allDigests, all[v + 1] / all[0]));
        }
        System.out.println(row);
        System.out.println();
        timeUpdates();
    }

    /** The reader's model after their {@link #CLICKS} clicks among the earlier papers. */
    ReaderModel clicked(List<Paper> earlier, String subject, Variant variant) {
        List<Judged> clicks = new ArrayList<>();
        Set<String> clickedIds = new HashSet<>();
        ReaderModel model = ReaderModel.NONE;
        for (int click = 0; click < CLICKS && clickedIds.size() < earlier.size(); click++) {
            List<Paper> shown = ReaderRanking.rank(
                            earlier.stream()
                                    .filter(p -> !clickedIds.contains(p.getId()))
                                    .toList(),
                            p -> vectors.get(p.getId()),
                            model)
                    .stream()
                    .map(ReaderRanking.Ranked::item)
                    .limit(10)
                    .toList();
            Paper relevant = shown.stream()
                    .filter(p -> subject.equals(subjects.get(p.getId())))
                    .findFirst()
                    .orElse(null);
            Paper paper = relevant != null ? relevant : shown.get(0);
            clicks.add(new Judged(
                    paper.getId(),
                    paper.getTitle(),
                    vectors.get(paper.getId()),
                    relevant != null ? Judgement.MORE : Judgement.LESS));
            clickedIds.add(paper.getId());
            List<TermVector> passedOver = variant.passedOver()
                    ? earlier.stream()
                            .filter(p -> !clickedIds.contains(p.getId()))
                            .map(p -> vectors.get(p.getId()))
                            .toList()
                    : List.of();
            model = ReaderModel.learn(clicks, passedOver, variant.cost());
            if (variant.maxTerms() > 0) {
                model = model.pruned(variant.maxTerms());
            }
        }
        return model;
    }

    /** Model updates with 500 clicks behind them (one in ten "more like this"), synthetic papers' text. */
    void timeUpdates() throws Exception {
        SyntheticCorpus corpus = new SyntheticCorpus(11, 40_000);
        PaperTexts texts = new PaperTexts();
        DocumentFrequencies frequencies = new DocumentFrequencies();
        List<Paper> synthetic = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            Paper paper = corpus.paper(i);
            synthetic.add(paper);
            frequencies.add(texts.counts(paper));
        }
        List<Judged> clicks = new ArrayList<>();
        List<TermVector> passedOver = new ArrayList<>();
        for (int i = 0; i < synthetic.size(); i++) {
            Paper paper = synthetic.get(i);
            TermVector vector = texts.vector(paper, frequencies);
            if (i < 500) {
                clicks.add(new Judged(
                        paper.getId(), paper.getTitle(), vector, i % 10 == 0 ? Judgement.MORE : Judgement.LESS));
            } else {
                passedOver.add(vector);
            }
        }
        Map<String, List<TermVector>> cases = new LinkedHashMap<>();
        cases.put("500 clicks", List.of());
        cases.put(
                "500 clicks and 2,000 papers passed over (the latest " + ReaderModel.MAX_PASSED_OVER + " count)",
                passedOver);
        System.out.println("| model update (one click's retraining) | median | p90 | model terms | target |");
        System.out.println("|---|---:|---:|---:|---|");
        cases.forEach((name, background) -> {
            for (int i = 0; i < 20; i++) {
                ReaderModel.learn(clicks, background);
            }
            long[] nanos = new long[50];
            int size = 0;
            for (int i = 0; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                ReaderModel model = ReaderModel.learn(clicks, background);
                nanos[i] = System.nanoTime() - t0;
                size = model.terms();
            }
            java.util.Arrays.sort(nanos);
            System.out.printf(
                    "| %s | %.1f ms | %.1f ms | %,d | < 50 ms |%n",
                    name, nanos[nanos.length / 2] / 1e6, nanos[nanos.length * 9 / 10] / 1e6, size);
        });
        // As ReaderModels learns in the pipeline (ReaderLearner): its first click, whose papers' texts
        // are analysed, and a next click, whose papers were analysed for the one before.
        List<Feedback> opinions = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Paper paper = synthetic.get(i);
            opinions.add(new Feedback(
                    "reader@example.org",
                    paper.getId(),
                    i % 10 == 0 ? Opinion.MORE : Opinion.LESS,
                    paper.getTitle(),
                    Instant.EPOCH));
        }
        List<String> passedOverIds =
                synthetic.subList(synthetic.size() - ReaderModel.MAX_PASSED_OVER, synthetic.size()).stream()
                        .map(Paper::getId)
                        .toList();
        Map<String, Paper> byId = new HashMap<>();
        synthetic.forEach(p -> byId.put(p.getId(), p));
        // The first click after a restart: the task's store (RocksDB, as Kafka Streams keeps it)
        // has the texts analysed for the clicks before it; the learner's memory has none.
        Path keptDir = Files.createTempDirectory("analysed-papers");
        try (Options options = new Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(options, keptDir.toString())) {
            AnalysedPapers.Kept kept = rocksDb(db);
            new ReaderLearner(kept, System::currentTimeMillis)
                    .learn("reader@example.org", Instant.EPOCH, opinions.subList(0, 499), passedOverIds, byId::get);
            for (String click : List.of("first", "restart", "next")) {
                long[] nanos = new long[30];
                long terms = 0;
                for (int i = -10; i < nanos.length; i++) {
                    ReaderLearner learner = click.equals("restart")
                            ? new ReaderLearner(kept, System::currentTimeMillis)
                            : new ReaderLearner();
                    if (click.equals("next")) {
                        learner.learn(
                                "reader@example.org",
                                Instant.EPOCH,
                                opinions.subList(0, 499),
                                passedOverIds,
                                byId::get);
                    }
                    long t0 = System.nanoTime();
                    ReaderModelState state =
                            learner.learn("reader@example.org", Instant.EPOCH, opinions, passedOverIds, byId::get);
                    if (i >= 0) {
                        nanos[i] = System.nanoTime() - t0;
                        terms = state.getTerms().remaining() / Integer.BYTES;
                    }
                }
                java.util.Arrays.sort(nanos);
                System.out.printf(
                        "| as the pipeline learns it (ReaderLearner), 500 clicks and %d passed over, kept to %,d "
                                + "terms: %s | %.1f ms | %.1f ms | %,d | < 50 ms |%n",
                        ReaderModel.MAX_PASSED_OVER,
                        ReaderModels.MAX_TERMS,
                        switch (click) {
                            case "first" -> "the first click of a new application (every text analysed)";
                            case "restart" ->
                                "the first click after a restart (the texts analysed before it read from the "
                                        + "task's store, RocksDB)";
                            default -> "a click after another (the texts analysed for that one, in memory)";
                        },
                        nanos[nanos.length / 2] / 1e6,
                        nanos[nanos.length * 9 / 10] / 1e6,
                        terms);
            }
        } finally {
            try (var files = Files.walk(keptDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        timeDigestRanking(opinions, passedOverIds, byId, synthetic);
    }

    /** The task's store of analysed terms, on RocksDB as Kafka Streams keeps it (its record cache aside). */
    private static AnalysedPapers.Kept rocksDb(RocksDB db) {
        return new AnalysedPapers.Kept() {
            @Override
            public byte[] get(String key) {
                try {
                    return db.get(key.getBytes(StandardCharsets.UTF_8));
                } catch (RocksDBException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void put(String key, byte[] value) {
                try {
                    db.put(key.getBytes(StandardCharsets.UTF_8), value);
                } catch (RocksDBException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /**
     * What ranking costs a digest when it goes out (DigestRanking): the reader's model read back, the
     * digest's papers analysed (or found analysed: a paper is in the digest of every reader it
     * matched) and scored.
     */
    private static void timeDigestRanking(
            List<Feedback> opinions, List<String> passedOverIds, Map<String, Paper> byId, List<Paper> synthetic) {
        ReaderModelState state =
                new ReaderLearner().learn("reader@example.org", Instant.EPOCH, opinions, passedOverIds, byId::get);
        List<Alert> digest = new ArrayList<>();
        for (Paper paper : synthetic.subList(1_000, 1_010)) {
            digest.add(Alert.newBuilder()
                    .setRecipient("reader@example.org")
                    .setSubscriptionIds(List.of("s"))
                    .setPaper(paper)
                    .setReasons(List.of())
                    .setMatchedAt(Instant.EPOCH)
                    .build());
        }
        System.out.println();
        System.out.println("| ranking one digest of 10 papers as it goes out | median | p90 |");
        System.out.println("|---|---:|---:|");
        AnalysedPapers kept = new AnalysedPapers(2_000);
        for (boolean analysed : new boolean[] {false, true}) {
            long[] nanos = new long[200];
            for (int i = -100; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                DigestRanking.order(digest, state, analysed ? kept : new AnalysedPapers(0));
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - t0;
                }
            }
            java.util.Arrays.sort(nanos);
            System.out.printf(
                    "| %s | %.2f ms | %.2f ms |%n",
                    analysed ? "papers analysed already (for another reader's digest)" : "papers analysed for it",
                    nanos[nanos.length / 2] / 1e6,
                    nanos[nanos.length * 9 / 10] / 1e6);
        }
    }

    private List<Paper> matching(String query) {
        SubscriptionMatcher matcher = new SubscriptionMatcher();
        matcher.update(
                "reader",
                Subscription.newBuilder()
                        .setId("reader")
                        .setEmail("reader@example.org")
                        .setQuery(query)
                        .setDelivery(DeliveryMode.DAILY)
                        .setStatus(SubscriptionStatus.ACTIVE)
                        .setCreated(Instant.EPOCH)
                        .build());
        return papers.stream().filter(p -> !matcher.match(p).isEmpty()).toList();
    }

    /** As emails list a subscription's papers: newest first, then by id. */
    private static List<Paper> keywordOrder(List<Paper> papers) {
        return papers.stream()
                .sorted(Comparator.comparing(
                                (Paper p) -> p.getPublished(), Comparator.nullsLast(Comparator.reverseOrder()))
                        .thenComparing(Paper::getId))
                .toList();
    }

    private double ndcg10(List<Paper> ranked, String subject) {
        double dcg = 0;
        int relevant = 0;
        for (int i = 0; i < ranked.size(); i++) {
            if (subject.equals(subjects.get(ranked.get(i).getId()))) {
                relevant++;
                if (i < 10) {
                    dcg += 1 / log2(i + 2);
                }
            }
        }
        double ideal = 0;
        for (int i = 0; i < Math.min(10, relevant); i++) {
            ideal += 1 / log2(i + 2);
        }
        return ideal == 0 ? 0 : dcg / ideal;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
