package io.paperalerts.bench;

import io.paperalerts.local.EmbeddedKafkaBroker;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Paper;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * What a subscriber feels, end to end: the broker, the streams service and the notifier (in this
 * JVM, or against a cluster given with {@code --bootstrap-servers}), an SMTP server that only
 * counts ({@link CountingSmtpServer}), the matching benchmark's corpus and subscription mix.
 * Exactly-once is on, as in production. Runs:
 *
 * <ul>
 *   <li>{@code latency}: papers at a steady rate, instant delivery without a grouping window
 *       ({@code digest.instant.window.ms=0}); from each paper's send to its alert on {@code alerts},
 *       its digest on {@code digests} and the SMTP server accepting its email, per (recipient, paper);
 *   <li>{@code burst}: 2,000 papers at once, instant delivery with the default window: until every
 *       alert is on {@code alerts} and every email accepted, and the bytes written per alert
 *       ({@code burstWhole}: the same with whole papers in alerts, {@code streams.alerts.by.reference=false};
 *       {@code burstFeedback}: the same with 10,000 readers who clicked, their digests ranked);
 *   <li>{@code sustained}: papers at rising rates; the lags of the streams service on {@code papers}
 *       and on {@code alerts}, the whole way to {@code digests} ({@code sustained100k}: the run at
 *       100,000 subscriptions alone; {@code sustained100kWhole}: the same with whole papers in alerts);
 *   <li>{@code replay}: {@code paper-alerts replay papers} over papers already alerted.
 * </ul>
 *
 * {@code burst} and {@code sustained100k} take settings of the streams service of their own, so that
 * tunings are measured side by side in one JVM: {@code runs=burst,burst@streams.compression.type=lz4}.
 *
 * Every (recipient, paper) pair the oracle (a matcher of the benchmark's own) expects must be
 * emailed exactly once, and nothing else: otherwise the run fails with a non-zero exit, so a fast
 * wrong run cannot produce a figure. Prints a Markdown table; writes PNG plots to {@code out}.
 *
 * <pre>
 * java -cp 'bench/target/bench.jar:bench/target/lib/*' io.paperalerts.bench.PipelineBenchmark \
 *     [runs=latency,burst,sustained,replay] [seconds=60] [replayPapers=1000000] [out=docs/images] \
 *     [--bootstrap-servers=HOST:PORT] [replication=1] [streamThreads=1] [smtpConnections=2] [streams.KEY=VALUE ...] \
 *     [jvmWarmSeconds=60] [warmSeconds=15] [emailTimeoutSeconds=300]
 * </pre>
 */
public final class PipelineBenchmark {

    static final int WARMUP_PAPERS = 1_100;
    /** The seed of the first paper a run sends after {@link #WARMUP_PAPERS}; each run takes the next ones. */
    static final int FIRST_PAPER_SEED = 1_000_000;

    private static final int[] SUSTAINED_10K_RATES = {500, 1_000, 2_000, 3_000};
    private static final int[] SUSTAINED_100K_RATES = {250, 500, 1_000, 2_000};

    final String bootstrap;
    private final short replication;
    final BenchCharts charts;
    final CountingSmtpServer smtp;
    final List<String> rows = new ArrayList<>() {
        @Override
        public boolean add(String row) {
            // At once as well: a later run that fails must not lose the figures of the earlier ones.
            System.err.println(row);
            return super.add(row);
        }
    };
    final List<String> failures = new ArrayList<>();
    private int paperSeed = FIRST_PAPER_SEED;
    /**
     * Seconds of traffic before anything is timed, once subscribed: a service measured runs warm
     * (its code compiled, its stores and caches filled).
     */
    private final double warmSeconds;
    /** How long a latency run waits for its emails before the missing ones fail it. */
    final Duration emailTimeout;
    /** {@code streams.num.threads} of the streams service. */
    private final int streamThreads;
    /** {@code notifier.smtp.connections} of the notifier, or {@code 0} for its default. */
    private final int smtpConnections;
    /** Settings of the streams service given on the command line, under those a run sets itself. */
    private final Map<String, Object> streamsSettings;

    private PipelineBenchmark(
            String bootstrap,
            short replication,
            int streamThreads,
            int smtpConnections,
            Map<String, Object> streamsSettings,
            double warmSeconds,
            Duration emailTimeout,
            BenchCharts charts,
            CountingSmtpServer smtp) {
        this.bootstrap = bootstrap;
        this.warmSeconds = warmSeconds;
        this.emailTimeout = emailTimeout;
        this.streamsSettings = Map.copyOf(streamsSettings);
        this.streamThreads = streamThreads;
        this.smtpConnections = smtpConnections;
        this.replication = replication;
        this.charts = charts;
        this.smtp = smtp;
    }

    public static void main(String[] args) throws Exception {
        // Before any logger exists: test-support's configuration would win on the class path.
        System.setProperty("log4j2.configurationFile", "log4j2-pipeline.properties");
        List<String> failures;
        try (CountingSmtpServer smtp = CountingSmtpServer.start()) {
            failures = run(args, smtp);
        } catch (Exception e) {
            // Exit here: the clients' and the broker's threads would keep the JVM up after a failed run.
            e.printStackTrace();
            System.exit(2);
            return;
        }
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    /**
     * Runs the benchmark as the command line says, emailing to {@code smtp}; prints the table.
     *
     * @return what went wrong (a missing, duplicated or unexpected email, ...); empty when every run's result holds
     */
    static List<String> run(String[] args, CountingSmtpServer smtp) throws Exception {
        List<String> runs = List.of("latency", "burst", "sustained", "replay");
        double seconds = 60;
        int replayPapers = 1_000_000;
        Path out = Path.of("docs/images");
        String bootstrap = null;
        short replication = 1;
        int streamThreads = 1;
        int smtpConnections = 0;
        double jvmWarmSeconds = 60;
        double warmSeconds = 15;
        Duration emailTimeout = Duration.ofMinutes(5);
        Map<String, Object> streamsSettings = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            switch (kv[0]) {
                case "runs" -> runs = List.of(kv[1].split(","));
                case "seconds" -> seconds = Double.parseDouble(kv[1]);
                case "replayPapers" -> replayPapers = Integer.parseInt(kv[1]);
                case "out" -> out = Path.of(kv[1]);
                case "bootstrap-servers" -> bootstrap = kv[1];
                case "replication" -> replication = Short.parseShort(kv[1]);
                case "streamThreads" -> streamThreads = Integer.parseInt(kv[1]);
                case "smtpConnections" -> smtpConnections = Integer.parseInt(kv[1]);
                case "jvmWarmSeconds" -> jvmWarmSeconds = Double.parseDouble(kv[1]);
                case "warmSeconds" -> warmSeconds = Double.parseDouble(kv[1]);
                case "emailTimeoutSeconds" -> emailTimeout = Duration.ofSeconds(Long.parseLong(kv[1]));
                default -> streamsSettings.putAll(streamsSettings(arg));
            }
        }
        EmbeddedKafkaBroker broker = bootstrap == null ? EmbeddedKafkaBroker.start() : null;
        try {
            var bench = new PipelineBenchmark(
                    bootstrap == null ? broker.bootstrapServers() : bootstrap,
                    replication,
                    streamThreads,
                    smtpConnections,
                    streamsSettings,
                    warmSeconds,
                    emailTimeout,
                    new BenchCharts(out),
                    smtp);
            System.out.printf(
                    "Java %s, %d cores, %s, max heap %d MB, broker %s, %d stream thread(s), %s SMTP "
                            + "connection(s)%n",
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name"),
                    Runtime.getRuntime().maxMemory() >> 20,
                    broker == null ? bootstrap : "embedded (same JVM)",
                    streamThreads,
                    smtpConnections == 0
                            ? NotifierConfig.DEFINITION.defaultValues().get(NotifierConfig.SMTP_CONNECTIONS)
                            : smtpConnections);
            // The whole path once, unreported, before anything is measured.
            if (jvmWarmSeconds > 0) {
                new LatencyRuns(bench).latency(10_000, 100, jvmWarmSeconds, false);
            }
            for (String spec : runs) {
                // run@KEY=VALUE&KEY=VALUE: the run with settings of its own, named for them.
                String[] named = spec.split("@", 2);
                String run = named[0];
                Map<String, Object> settings = named.length == 1 ? Map.of() : streamsSettings(named[1].split("&"));
                String variant = named.length == 1 ? "" : named[1].replace("&", ", ");
                if (!settings.isEmpty()
                        && !List.of("burst", "sustained100k", "latency10k").contains(run)) {
                    throw new IllegalArgumentException(
                            "Only burst, sustained100k and latency10k take settings: " + spec);
                }
                switch (run) {
                    case "latency" -> {
                        new LatencyRuns(bench).latency(10_000, 100, seconds);
                        new LatencyRuns(bench).latency(100_000, 10, seconds);
                    }
                    // Each of the two alone.
                    case "latency10k" -> new LatencyRuns(bench).latency(10_000, 100, seconds, true, settings, variant);
                    case "latency100k" -> new LatencyRuns(bench).latency(100_000, 10, seconds);
                    case "burst" -> new LatencyRuns(bench).burst(100_000, 2_000, settings, variant);
                    // Side by side with burst: a tenth of the subscribers have clicked, so their
                    // digests are ranked by their models as they go out (issue 35).
                    case "burstFeedback" ->
                        new LatencyRuns(bench)
                                .burst(100_000, 2_000, Map.of(), "10,000 readers with 10 opinions each", 10_000);
                    // Side by side with the format before the claim check: each alert carries its paper.
                    case "burstWhole" ->
                        new LatencyRuns(bench)
                                .burst(
                                        100_000,
                                        2_000,
                                        Map.of(StreamsServiceConfig.ALERTS_BY_REFERENCE, "false"),
                                        "whole papers in alerts");
                    case "sustained" -> {
                        new ThroughputRuns(bench).sustained(10_000, SUSTAINED_10K_RATES, seconds / 2, Map.of(), "");
                        new ThroughputRuns(bench).sustained(100_000, SUSTAINED_100K_RATES, seconds / 2, Map.of(), "");
                    }
                    // One of the two alone, for a profile of it.
                    case "sustained100k" ->
                        new ThroughputRuns(bench)
                                .sustained(100_000, SUSTAINED_100K_RATES, seconds / 2, settings, variant);
                    case "sustained100kWhole" ->
                        new ThroughputRuns(bench)
                                .sustained(
                                        100_000,
                                        SUSTAINED_100K_RATES,
                                        seconds / 2,
                                        Map.of(StreamsServiceConfig.ALERTS_BY_REFERENCE, "false"),
                                        "whole papers in alerts");
                    case "replay" -> new ThroughputRuns(bench).replay(100_000, replayPapers);
                    default -> throw new IllegalArgumentException("Unknown run " + run);
                }
            }
            System.out.println();
            System.out.println(
                    "| run | subscriptions | measure | result | target | heap after GC, process RSS | state on disk |");
            System.out.println("|---|---:|---|---:|---|---:|---:|");
            bench.rows.forEach(System.out::println);
            bench.failures.forEach(f -> System.out.println("FAILED: " + f));
            return List.copyOf(bench.failures);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** Settings of the streams service (e.g. streams.compression.type=lz4), each checked by its config. */
    private static Map<String, Object> streamsSettings(String... args) {
        Map<String, Object> settings = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            if (kv.length < 2 || !StreamsServiceConfig.DEFINITION.names().contains(kv[0])) {
                throw new IllegalArgumentException("Unknown argument " + arg);
            }
            settings.put(kv[0], kv[1]);
        }
        // Its values too, now rather than after an hour of runs before it.
        new StreamsServiceConfig(settings);
        return settings;
    }

    BenchPipeline pipeline(String name, Map<String, Object> overrides) throws Exception {
        String runId = name + "-" + Long.toString(System.currentTimeMillis(), 36);
        Map<String, Object> settings = new HashMap<>(streamsSettings);
        settings.putAll(overrides);
        settings.putIfAbsent(StreamsServiceConfig.NUM_THREADS, String.valueOf(streamThreads));
        return new BenchPipeline(
                bootstrap,
                replication,
                runId,
                settings,
                smtpConnections == 0
                        ? Map.of()
                        : Map.of(NotifierConfig.SMTP_CONNECTIONS, String.valueOf(smtpConnections)));
    }

    /**
     * Starts the streams service and lets its matcher see papers before there are subscriptions
     * (it learns which terms are rare from them, as a running instance has), then subscribes.
     */
    void prepare(BenchPipeline pipeline, SyntheticCorpus corpus, int subscriptions) throws Exception {
        pipeline.startStreams();
        for (int i = 0; i < WARMUP_PAPERS; i++) {
            pipeline.send(pipeline.paper(corpus, i));
        }
        pipeline.flush();
        BenchPipeline.await(Duration.ofMinutes(2), "the warm-up papers to be read", () -> pipeline.papersLag() == 0);
        long loading = System.nanoTime();
        pipeline.subscribe(corpus, subscriptions, DeliveryMode.INSTANT);
        System.err.printf(
                "%s: %,d subscriptions loaded in %.1f s%n",
                pipeline.runId(), subscriptions, (System.nanoTime() - loading) / 1e9);
    }

    /** Papers of the corpus not used by another run of this JVM (the corpus is seeded: runs compare). */
    List<Paper> papers(BenchPipeline pipeline, SyntheticCorpus corpus, int count) {
        List<Paper> papers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            papers.add(pipeline.paper(corpus, paperSeed + i));
        }
        paperSeed += count;
        return papers;
    }

    /** Expected pairs: paper id -> recipients. */
    static Map<String, List<String>> expected(BenchPipeline pipeline, List<Paper> papers) {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (Paper paper : papers) {
            expected.put(paper.getId(), pipeline.expectedRecipients(paper));
        }
        return expected;
    }

    static long expectedPairs(BenchPipeline pipeline, List<Paper> papers) {
        return papers.stream()
                .mapToLong(p -> pipeline.expectedRecipients(p).size())
                .sum();
    }

    private long emailed(Map<String, List<String>> expected) {
        return EmailAudit.found(expected, smtp::arrival);
    }

    static long onTopic(ArrivalLog<?> log, Map<String, List<String>> expected) {
        return EmailAudit.found(expected, log::arrival);
    }

    /** @param keepPairs whether to note each pair's arrival; if not, alerts are counted (one pair each), not decoded */
    static ArrivalLog<Alert> alerts(String bootstrap, boolean keepPairs, long start) {
        return new ArrivalLog<>(
                bootstrap, Topics.ALERTS, keepPairs ? a -> List.of(a.getPaper().getId()) : null, keepPairs, start);
    }

    static ArrivalLog<Digest> digests(String bootstrap, long start) {
        return digests(bootstrap, start, d -> {});
    }

    /** @param seen told of each digest as it is read */
    static ArrivalLog<Digest> digests(String bootstrap, long start, Consumer<Digest> seen) {
        return new ArrivalLog<>(
                bootstrap,
                Topics.DIGESTS,
                d -> {
                    seen.accept(d);
                    return d.getAlerts().stream().map(a -> a.getPaper().getId()).toList();
                },
                // Counted in a note, not listed: papers over digest.max.papers, and those its reader's
                // model ranked lower (like what they wanted less of).
                d -> d.getOmitted() + d.getRankedLower(),
                true,
                start);
    }

    /**
     * Waits for every expected email, then sends a marker paper that reaches every partition of
     * {@code digests} and waits for its emails: only then is "nothing else arrived" a check.
     * Records a failure for every missing, duplicated or unexpected pair of the run ({@code earlier}:
     * pairs of the run emailed before what is measured, e.g. in its warm-up).
     */
    void verifyEmails(
            BenchPipeline pipeline,
            Map<String, List<String>> expected,
            Map<String, List<String>> earlier,
            long baseline,
            ArrivalLog<Digest> digests,
            Duration timeout)
            throws InterruptedException {
        // A digest over digest.max.papers (50) lists the first and counts the others in a note, as it
        // does the papers its reader's model ranked lower.
        long want = EmailAudit.pairs(expected) - digests.omitted();
        try {
            // The server's count first (cheap, so the benchmark does not take the CPU it measures), then each pair.
            BenchPipeline.await(timeout, want + " emailed pairs", () -> smtp.pairs() - baseline >= want);
            Duration pairs = timeout.compareTo(Duration.ofSeconds(30)) < 0 ? timeout : Duration.ofSeconds(30);
            BenchPipeline.await(pairs, want + " emailed pairs", () -> emailed(expected) >= want);
        } catch (IllegalStateException e) {
            // Missing pairs: the audit below names them, beside any duplicated or unexpected ones.
        }
        Paper marker = pipeline.marker(1);
        pipeline.send(marker);
        pipeline.flush();
        try {
            BenchPipeline.await(
                    Duration.ofMinutes(5),
                    "the marker's emails",
                    () -> pipeline.markerRecipients().stream().allMatch(r -> smtp.arrival(r, marker.getId()) != null));
        } catch (IllegalStateException e) {
            failures.add(pipeline.runId() + ": the marker paper sent last was not emailed to every partition");
        }
        EmailAudit audit = EmailAudit.of(
                pipeline.runId(), expected, earlier, digests.omitted(), smtp.arrivals(), smtp.duplicates());
        failures.addAll(audit.failures());
        System.err.printf(
                "%s: %,d of %,d pairs emailed (%,d more counted in digests over the size limit), "
                        + "%d duplicates, %d unexpected%n",
                pipeline.runId(),
                audit.expected() - audit.missing(),
                audit.expected(),
                digests.omitted(),
                audit.duplicated(),
                audit.unexpected());
    }

    /**
     * Papers at the rate for {@link #warmSeconds}, untimed, then waits until the streams service
     * has matched them and, with {@code emails}, until their emails were accepted.
     */
    Map<String, List<String>> warmUp(BenchPipeline pipeline, SyntheticCorpus corpus, int rate, boolean emails)
            throws Exception {
        List<Paper> papers = papers(pipeline, corpus, (int) (rate * warmSeconds));
        Map<String, List<String>> expected = expected(pipeline, papers);
        long pairs = emails ? EmailAudit.pairs(expected) : 0;
        long before = smtp.pairs();
        // A digest over the size limit counts papers it does not list: those pairs are never emailed.
        ArrivalLog<Digest> digests = emails ? digests(bootstrap, System.currentTimeMillis()) : null;
        long t0 = System.nanoTime();
        for (int i = 0; i < papers.size(); i++) {
            long due = t0 + (long) (i * 1e9 / rate);
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            pipeline.send(papers.get(i));
        }
        pipeline.flush();
        BenchPipeline.await(
                Duration.ofMinutes(10), "the warm-up papers to be matched", () -> pipeline.papersLag() == 0);
        if (emails) {
            try (digests) {
                BenchPipeline.await(
                        Duration.ofMinutes(10),
                        "the warm-up emails",
                        () -> smtp.pairs() - before + digests.omitted() >= pairs);
            }
        }
        return expected;
    }

    /** Sends the n-th marker paper and waits for its emails: the whole path works and is warm. */
    void awaitMarker(BenchPipeline pipeline, int n) throws InterruptedException {
        Paper marker = pipeline.marker(n);
        pipeline.send(marker);
        pipeline.flush();
        BenchPipeline.await(
                Duration.ofMinutes(3),
                "the first marker's emails",
                () -> pipeline.markerRecipients().stream().allMatch(r -> smtp.arrival(r, marker.getId()) != null));
    }
}
