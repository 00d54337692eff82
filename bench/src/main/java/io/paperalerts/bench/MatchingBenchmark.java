package io.paperalerts.bench;

import io.paperalerts.matching.AnalyzedPaper;
import io.paperalerts.matching.InvalidQueryException;
import io.paperalerts.matching.Node;
import io.paperalerts.matching.PaperAnalyzer;
import io.paperalerts.matching.PaperDocument;
import io.paperalerts.matching.QueryCompiler;
import io.paperalerts.matching.QueryIndex;
import io.paperalerts.matching.TermStatistics;
import io.paperalerts.schemas.Paper;
import io.paperalerts.streams.sharding.SubscriptionShards;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.lucene.monitor.Monitor;
import org.apache.lucene.monitor.MonitorQuery;
import org.apache.lucene.monitor.QueryMatch;

/**
 * Papers per second, one thread, for the project's matcher, Lucene Monitor and a naive scan of
 * every subscription, side by side on the same synthetic corpus and subscriptions, plus the cost
 * of text analysis alone. Prints a Markdown table (docs/benchmarks.md). Every engine must return
 * the same matches for the checked papers, or the run fails. A second mix, in which every tenth
 * subscription also has an upvote filter ({@code upvotes:>=N}), runs beside the first: the cost
 * of the filter is the ratio of the two. With {@code shards=N,M}, one shard of N, and of M, (each
 * subscription of its own recipient, sharded as {@code streams.matching.shards} does) runs beside
 * the whole: what one of N instances holds and loads, and how fast it matches every paper against
 * its part.
 *
 * <pre>
 * java -cp 'bench/target/bench.jar:bench/target/lib/*' io.paperalerts.bench.MatchingBenchmark \
 *     [subscriptions=1000,10000,100000,1000000] [seconds=5] [monitorMax=100000] [naiveMax=1000000] [upvotes=true] \
 *     [shards=2,4] [wholeMax=1000000]
 * </pre>
 */
public final class MatchingBenchmark {

    private static final int CHECKED_PAPERS = 200;

    private final PaperAnalyzer analyzer = new PaperAnalyzer();
    private final QueryCompiler compiler = new QueryCompiler(analyzer);
    private final List<Paper> warmup = new ArrayList<>();
    private final List<Paper> papers = new ArrayList<>();
    private final SyntheticCorpus corpus = new SyntheticCorpus(42, 40_000);
    private final double seconds;

    private MatchingBenchmark(double seconds) {
        this.seconds = seconds;
        for (int i = 0; i < 2_000; i++) {
            warmup.add(upvoted(corpus.paper(i), i));
        }
        for (int i = 0; i < 2_000; i++) {
            papers.add(upvoted(corpus.paper(100_000 + i), i));
        }
    }

    /** One engine's measurements at one size. */
    /** One engine's measurements at one size; the checksum digests its matches on the checked papers. */
    private record Result(
            String engine,
            double papersPerSecond,
            double loadSeconds,
            double heapMb,
            double matchesPerPaper,
            long checksum) {}

    public static void main(String[] args) throws Exception {
        int[] sizes = {1_000, 10_000, 100_000, 1_000_000};
        double seconds = 5;
        int monitorMax = 100_000;
        int naiveMax = 1_000_000;
        boolean upvotes = true;
        int[] shards = {};
        int wholeMax = Integer.MAX_VALUE;
        String child = null;
        int childSize = 0;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "subscriptions" ->
                    sizes = Arrays.stream(kv[1].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                case "seconds" -> seconds = Double.parseDouble(kv[1]);
                case "monitorMax" -> monitorMax = Integer.parseInt(kv[1]);
                case "naiveMax" -> naiveMax = Integer.parseInt(kv[1]);
                case "upvotes" -> upvotes = Boolean.parseBoolean(kv[1]);
                case "engine" -> child = kv[1];
                case "size" -> childSize = Integer.parseInt(kv[1]);
                case "shards" ->
                    shards = Arrays.stream(kv[1].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                case "wholeMax" -> wholeMax = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        if (child != null) {
            new MatchingBenchmark(seconds).runOne(child, childSize, shards.length == 0 ? 0 : shards[0]);
        } else {
            run(sizes, seconds, monitorMax, naiveMax, upvotes, shards, wholeMax);
        }
    }

    /**
     * Each engine and size runs in a JVM of its own, as JMH forks: one engine's warm-up and
     * garbage must not slow the next one down.
     */
    private static void run(
            int[] sizes, double seconds, int monitorMax, int naiveMax, boolean upvotes, int[] shards, int wholeMax)
            throws Exception {
        System.out.printf(
                "Java %s, %d cores, %s, one JVM (-Xms3g -Xmx3g) per engine and size, one thread, "
                        + "warm-up as long as the measurement%n%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getRuntimeMXBean().getVmName());
        Result floor = fork("analysis", 0, seconds, 0);
        System.out.printf("Analysis alone (the floor for any engine): %,.0f papers/s%n%n", floor.papersPerSecond());
        System.out.println("| subscriptions | engine | papers/s | vs Monitor | load s | heap MB | matches/paper |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|");
        for (int size : sizes) {
            List<Result> results = new ArrayList<>();
            // Beyond wholeMax the whole does not fit this machine: only a shard runs.
            if (size <= wholeMax) {
                results.add(fork("ours", size, seconds, 0));
            }
            if (size <= monitorMax) {
                results.add(fork("monitor", size, seconds, 0));
            }
            if (size <= naiveMax) {
                results.add(fork("naive", size, seconds, 0));
            }
            for (Result other : results) {
                if (other.checksum() != results.get(0).checksum()) {
                    throw new IllegalStateException(other.engine() + " disagrees with "
                            + results.get(0).engine() + " at " + size + " subscriptions");
                }
            }
            Result monitor = results.stream()
                    .filter(r -> r.engine().equals("Lucene Monitor"))
                    .findFirst()
                    .orElse(null);
            if (upvotes && size <= wholeMax) {
                Result filtered = fork("ours-upvotes", size, seconds, 0);
                if (size <= monitorMax) {
                    Result reference = fork("monitor-upvotes", size, seconds, 0);
                    if (reference.checksum() != filtered.checksum()) {
                        throw new IllegalStateException(
                                "Lucene Monitor disagrees with the matcher on upvote filters at " + size
                                        + " subscriptions");
                    }
                }
                results.add(filtered);
            }
            // Its matches are a part of the whole's: no checksum to compare (SubscriptionShardsTest checks the union).
            for (int count : shards) {
                results.add(fork("ours-shard", size, seconds, count));
            }
            for (Result r : results) {
                System.out.printf(
                        "| %,d | %s | %,.0f | %s | %.1f | %.0f | %.2f |%n",
                        size,
                        r.engine(),
                        r.papersPerSecond(),
                        monitor == null
                                ? "n/a"
                                : String.format("%.1fx", r.papersPerSecond() / monitor.papersPerSecond()),
                        r.loadSeconds(),
                        r.heapMb(),
                        r.matchesPerPaper());
            }
            System.out.flush();
        }
    }

    private static Result fork(String engine, int size, double seconds, int shards) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // A fixed heap, as JMH's forks are usually given: a heap still growing collects more often while measured.
        Process process = new ProcessBuilder(
                        java,
                        "-Xms3g",
                        "-Xmx3g",
                        "-cp",
                        System.getProperty("java.class.path"),
                        MatchingBenchmark.class.getName(),
                        "engine=" + engine,
                        "size=" + size,
                        "seconds=" + seconds,
                        "shards=" + shards)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(engine + " at " + size + " failed: " + output);
        }
        String line = output.lines()
                .filter(l -> l.startsWith("RESULT\t"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no result from " + engine + ": " + output));
        String[] f = line.split("\t");
        return new Result(
                f[1],
                Double.parseDouble(f[2]),
                Double.parseDouble(f[3]),
                Double.parseDouble(f[4]),
                Double.parseDouble(f[5]),
                Long.parseLong(f[6]));
    }

    private void runOne(String engine, int size, int shards) throws IOException {
        Result result = switch (engine) {
            case "analysis" -> analysisOnly();
            case "ours" -> ours(queries(size));
            case "ours-shard" -> {
                List<String> shard = shard(queries(size), shards);
                yield rename(
                        ours(shard),
                        String.format(
                                "paper-alerts matcher, one shard of %d (%,d subscriptions)", shards, shard.size()));
            }
            case "monitor" -> monitor(queries(size));
            case "naive" -> naive(queries(size));
            case "ours-upvotes" -> rename(ours(upvoteQueries(size)), "paper-alerts matcher, 10 % with upvotes:");
            case "monitor-upvotes" -> rename(monitor(upvoteQueries(size)), "Lucene Monitor, 10 % with upvotes:");
            default -> throw new IllegalArgumentException("unknown engine " + engine);
        };
        System.out.printf(
                Locale.ROOT,
                "RESULT\t%s\t%f\t%f\t%f\t%f\t%d%n",
                result.engine(),
                result.papersPerSecond(),
                result.loadSeconds(),
                result.heapMb(),
                result.matchesPerPaper(),
                result.checksum());
    }

    /**
     * The queries of shard 0 of {@code shards}, each subscription of a recipient of its own (the
     * service shards by recipient).
     */
    private static List<String> shard(List<String> queries, int shards) {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            if (SubscriptionShards.shardOf("reader-" + i + "@example.org", shards) == 0) {
                mine.add(queries.get(i));
            }
        }
        return mine;
    }

    /** Four papers in five have upvotes (0 to 119), as on Hugging Face; the others come from arXiv only. */
    private static Paper upvoted(Paper paper, int i) {
        paper.setUpvotes(i % 5 == 0 ? null : (i * 37) % 120);
        return paper;
    }

    /** The same mix, every tenth subscription with an upvote filter too. */
    private List<String> upvoteQueries(int size) {
        List<String> queries = new ArrayList<>(queries(size));
        for (int i = 0; i < queries.size(); i += 10) {
            queries.set(i, queries.get(i) + " upvotes:>=" + (1 + i % 60));
        }
        return queries;
    }

    private List<String> queries(int size) {
        List<String> queries = new ArrayList<>(size);
        forEachQuery(size, compiler, queries::add);
        return queries;
    }

    /** The {@code size} queries of the benchmark at that size, one at a time: the same for every engine and benchmark. */
    static void forEachQuery(int size, QueryCompiler compiler, Consumer<String> action) {
        SyntheticCorpus generator = new SyntheticCorpus(7L * size, 40_000);
        for (int accepted = 0; accepted < size; ) {
            String query = generator.subscription();
            try {
                compiler.compile(query);
            } catch (InvalidQueryException e) {
                // The generator may produce e.g. a too-short wildcard; such queries are refused anyway.
                continue;
            }
            action.accept(query);
            accepted++;
        }
    }

    private static Result rename(Result result, String engine) {
        return new Result(
                engine,
                result.papersPerSecond(),
                result.loadSeconds(),
                result.heapMb(),
                result.matchesPerPaper(),
                result.checksum());
    }

    private Result analysisOnly() {
        return measure("analysis only", 0, 0, paper -> {
            AnalyzedPaper.of(paper, analyzer);
            return Set.of();
        });
    }

    private Result ours(List<String> queries) {
        long heap = usedHeap();
        long start = System.nanoTime();
        TermStatistics statistics = new TermStatistics();
        // Rarity is learned from papers seen; an instance has usually seen many before it matters.
        for (Paper paper : warmup) {
            statistics.observe(AnalyzedPaper.of(paper, analyzer));
        }
        QueryIndex index = new QueryIndex(statistics);
        for (int i = 0; i < queries.size(); i++) {
            index.put("s" + i, compiler.compile(queries.get(i)));
        }
        double load = (System.nanoTime() - start) / 1e9;
        double mb = (usedHeap() - heap) / 1048576.0;
        Result result = measure("paper-alerts matcher", load, mb, paper -> {
            Set<String> ids = new HashSet<>();
            index.match(AnalyzedPaper.of(paper, analyzer)).forEach(e -> ids.add(e.id()));
            return ids;
        });
        long candidates = 0;
        for (int i = 0; i < CHECKED_PAPERS; i++) {
            candidates += index.candidateCount(AnalyzedPaper.of(papers.get(i), analyzer));
        }
        System.err.printf(
                "paper-alerts matcher at %,d subscriptions: %,.0f candidates verified per paper (%d papers)%n",
                queries.size(), (double) candidates / CHECKED_PAPERS, CHECKED_PAPERS);
        return result;
    }

    private Result naive(List<String> queries) {
        long heap = usedHeap();
        long start = System.nanoTime();
        Node[] compiled = new Node[queries.size()];
        for (int i = 0; i < compiled.length; i++) {
            compiled[i] = compiler.compile(queries.get(i));
        }
        double load = (System.nanoTime() - start) / 1e9;
        double mb = (usedHeap() - heap) / 1048576.0;
        return measure("naive scan", load, mb, paper -> {
            AnalyzedPaper analyzed = AnalyzedPaper.of(paper, analyzer);
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < compiled.length; i++) {
                if (compiled[i].matches(analyzed)) {
                    ids.add("s" + i);
                }
            }
            return ids;
        });
    }

    private Result monitor(List<String> queries) throws IOException {
        long heap = usedHeap();
        long start = System.nanoTime();
        try (Monitor monitor = new Monitor(analyzer)) {
            List<MonitorQuery> batch = new ArrayList<>();
            for (int i = 0; i < queries.size(); i++) {
                batch.add(new MonitorQuery("s" + i, compiler.parse(queries.get(i))));
                if (batch.size() == 10_000) {
                    monitor.register(batch);
                    batch.clear();
                }
            }
            monitor.register(batch);
            double load = (System.nanoTime() - start) / 1e9;
            double mb = (usedHeap() - heap) / 1048576.0;
            return measure("Lucene Monitor", load, mb, paper -> {
                try {
                    Set<String> ids = new HashSet<>();
                    monitor.match(PaperDocument.of(paper), QueryMatch.SIMPLE_MATCHER)
                            .getMatches()
                            .forEach(m -> ids.add(m.getQueryId()));
                    return ids;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    /** Runs the engine over the papers, round after round, for the configured time (after a warm-up as long). */
    private Result measure(String engine, double load, double heapMb, Function<Paper, Set<String>> match) {
        List<Set<String>> checked = new ArrayList<>();
        for (int i = 0; i < CHECKED_PAPERS; i++) {
            checked.add(match.apply(papers.get(i)));
        }
        // As long as the measurement: on two cores the compiler shares the machine with what it compiles.
        long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
        long warmUpMatches = 0;
        for (int i = 0; System.nanoTime() < warmEnd; i++) {
            warmUpMatches += match.apply(papers.get(i % papers.size())).size();
        }
        // Read, so the JIT cannot drop the warm-up as dead code.
        if (warmUpMatches < 0) {
            throw new AssertionError();
        }
        long matches = 0;
        int done = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end || done < 20) {
            matches += match.apply(papers.get(done % papers.size())).size();
            done++;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long checksum = 0;
        for (Set<String> ids : checked) {
            checksum = checksum * 31 + new TreeSet<>(ids).hashCode();
        }
        return new Result(engine, done / elapsed, load, heapMb, (double) matches / done, checksum);
    }

    static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
