package io.paperalerts.bench;

import io.paperalerts.app.PaperAlertsCommand;
import io.paperalerts.local.EmbeddedKafkaBroker;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Paper;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.topics.Topics;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;

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
 *       alert is on {@code alerts} and every email accepted;
 *   <li>{@code sustained}: papers at rising rates; the lag of the streams service on {@code papers}
 *       ({@code sustained100k}: the run at 100,000 subscriptions alone);
 *   <li>{@code replay}: {@code paper-alerts replay papers} over papers already alerted.
 * </ul>
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

    private static final int WARMUP_PAPERS = 1_100;
    /** The seed of the first paper a run sends after {@link #WARMUP_PAPERS}; each run takes the next ones. */
    static final int FIRST_PAPER_SEED = 1_000_000;
    private static final int[] SUSTAINED_10K_RATES = {500, 1_000, 2_000, 3_000};
    private static final int[] SUSTAINED_100K_RATES = {250, 500, 1_000, 1_500};

    private final String bootstrap;
    private final short replication;
    private final BenchCharts charts;
    private final CountingSmtpServer smtp;
    private final List<String> rows = new ArrayList<>() {
        @Override
        public boolean add(String row) {
            // At once as well: a later run that fails must not lose the figures of the earlier ones.
            System.err.println(row);
            return super.add(row);
        }
    };
    private final List<String> failures = new ArrayList<>();
    private int paperSeed = FIRST_PAPER_SEED;
    /**
     * Seconds of traffic before anything is timed, once subscribed: a service measured runs warm
     * (its code compiled, its stores and caches filled).
     */
    private final double warmSeconds;
    /** How long a latency run waits for its emails before the missing ones fail it. */
    private final Duration emailTimeout;
    /** {@code streams.num.threads} of the streams service. */
    private final int streamThreads;
    /** {@code notifier.smtp.connections} of the notifier, or {@code 0} for its default. */
    private final int smtpConnections;
    /** Settings of the streams service given on the command line, under those a run sets itself. */
    private final Map<String, Object> streamsSettings;

    private PipelineBenchmark(String bootstrap, short replication, int streamThreads, int smtpConnections,
            Map<String, Object> streamsSettings, double warmSeconds, Duration emailTimeout, BenchCharts charts,
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
                default -> {
                    // A setting of the streams service (e.g. streams.compression.type=lz4), checked by its config.
                    if (!StreamsServiceConfig.DEFINITION.names().contains(kv[0]) || kv.length < 2) {
                        throw new IllegalArgumentException("Unknown argument " + arg);
                    }
                    streamsSettings.put(kv[0], kv[1]);
                }
            }
        }
        EmbeddedKafkaBroker broker = bootstrap == null ? EmbeddedKafkaBroker.start() : null;
        try {
            var bench = new PipelineBenchmark(bootstrap == null ? broker.bootstrapServers() : bootstrap, replication,
                    streamThreads, smtpConnections, streamsSettings, warmSeconds, emailTimeout, new BenchCharts(out), smtp);
            System.out.printf("Java %s, %d cores, %s, max heap %d MB, broker %s, %d stream thread(s), %s SMTP "
                    + "connection(s)%n", System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() >> 20,
                    broker == null ? bootstrap : "embedded (same JVM)", streamThreads,
                    smtpConnections == 0 ? NotifierConfig.DEFINITION.defaultValues().get(NotifierConfig.SMTP_CONNECTIONS)
                            : smtpConnections);
            // The whole path once, unreported, before anything is measured.
            if (jvmWarmSeconds > 0) {
                bench.latency(10_000, 100, jvmWarmSeconds, false);
            }
            for (String run : runs) {
                switch (run) {
                    case "latency" -> {
                        bench.latency(10_000, 100, seconds);
                        bench.latency(100_000, 10, seconds);
                    }
                    // Each of the two alone.
                    case "latency10k" -> bench.latency(10_000, 100, seconds);
                    case "latency100k" -> bench.latency(100_000, 10, seconds);
                    case "burst" -> bench.burst(100_000, 2_000);
                    case "sustained" -> {
                        bench.sustained(10_000, SUSTAINED_10K_RATES, seconds / 2);
                        bench.sustained(100_000, SUSTAINED_100K_RATES, seconds / 2);
                    }
                    // One of the two alone, for a profile of it.
                    case "sustained100k" -> bench.sustained(100_000, SUSTAINED_100K_RATES, seconds / 2);
                    case "replay" -> bench.replay(100_000, replayPapers);
                    default -> throw new IllegalArgumentException("Unknown run " + run);
                }
            }
            System.out.println();
            System.out.println("| run | subscriptions | measure | result | target | heap after GC | state on disk |");
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

    private BenchPipeline pipeline(String name, Map<String, Object> overrides) throws Exception {
        String runId = name + "-" + Long.toString(System.currentTimeMillis(), 36);
        Map<String, Object> settings = new HashMap<>(streamsSettings);
        settings.putAll(overrides);
        settings.putIfAbsent(StreamsServiceConfig.NUM_THREADS, String.valueOf(streamThreads));
        return new BenchPipeline(bootstrap, replication, runId, settings, smtpConnections == 0 ? Map.of()
                : Map.of(NotifierConfig.SMTP_CONNECTIONS, String.valueOf(smtpConnections)));
    }

    /**
     * Starts the streams service and lets its matcher see papers before there are subscriptions
     * (it learns which terms are rare from them, as a running instance has), then subscribes.
     */
    private void prepare(BenchPipeline pipeline, SyntheticCorpus corpus, int subscriptions) throws Exception {
        pipeline.startStreams();
        for (int i = 0; i < WARMUP_PAPERS; i++) {
            pipeline.send(pipeline.paper(corpus, i));
        }
        pipeline.flush();
        BenchPipeline.await(Duration.ofMinutes(2), "the warm-up papers to be read", () -> pipeline.papersLag() == 0);
        long loading = System.nanoTime();
        pipeline.subscribe(corpus, subscriptions, DeliveryMode.INSTANT);
        System.err.printf("%s: %,d subscriptions loaded in %.1f s%n", pipeline.runId(), subscriptions,
                (System.nanoTime() - loading) / 1e9);
    }

    /** Papers of the corpus not used by another run of this JVM (the corpus is seeded: runs compare). */
    private List<Paper> papers(BenchPipeline pipeline, SyntheticCorpus corpus, int count) {
        List<Paper> papers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            papers.add(pipeline.paper(corpus, paperSeed + i));
        }
        paperSeed += count;
        return papers;
    }

    /** Expected pairs: paper id -> recipients. */
    private static Map<String, List<String>> expected(BenchPipeline pipeline, List<Paper> papers) {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (Paper paper : papers) {
            expected.put(paper.getId(), pipeline.expectedRecipients(paper));
        }
        return expected;
    }

    private static long expectedPairs(BenchPipeline pipeline, List<Paper> papers) {
        return papers.stream().mapToLong(p -> pipeline.expectedRecipients(p).size()).sum();
    }

    private long emailed(Map<String, List<String>> expected) {
        return EmailAudit.found(expected, smtp::arrival);
    }

    private static long onTopic(ArrivalLog<?> log, Map<String, List<String>> expected) {
        return EmailAudit.found(expected, log::arrival);
    }

    /** @param keepPairs whether to note each pair's arrival; if not, alerts are counted (one pair each), not decoded */
    private static ArrivalLog<Alert> alerts(String bootstrap, boolean keepPairs, long start) {
        return new ArrivalLog<>(bootstrap, Topics.ALERTS, keepPairs ? a -> List.of(a.getPaper().getId()) : null,
                keepPairs, start);
    }

    private static ArrivalLog<Digest> digests(String bootstrap, long start) {
        return new ArrivalLog<>(bootstrap, Topics.DIGESTS,
                d -> d.getAlerts().stream().map(a -> a.getPaper().getId()).toList(), Digest::getOmitted, true, start);
    }

    /**
     * Waits for every expected email, then sends a marker paper that reaches every partition of
     * {@code digests} and waits for its emails: only then is "nothing else arrived" a check.
     * Records a failure for every missing, duplicated or unexpected pair of the run ({@code earlier}:
     * pairs of the run emailed before what is measured, e.g. in its warm-up).
     */
    private void verifyEmails(BenchPipeline pipeline, Map<String, List<String>> expected,
            Map<String, List<String>> earlier, long baseline, ArrivalLog<Digest> digests, Duration timeout)
            throws InterruptedException {
        // A digest over digest.max.papers (50) lists the first and counts the others in a note.
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
            BenchPipeline.await(Duration.ofMinutes(5), "the marker's emails", () -> pipeline.markerRecipients().stream()
                    .allMatch(r -> smtp.arrival(r, marker.getId()) != null));
        } catch (IllegalStateException e) {
            failures.add(pipeline.runId() + ": the marker paper sent last was not emailed to every partition");
        }
        EmailAudit audit = EmailAudit.of(pipeline.runId(), expected, earlier, digests.omitted(), smtp.arrivals(),
                smtp.duplicates());
        failures.addAll(audit.failures());
        System.err.printf("%s: %,d of %,d pairs emailed (%,d more counted in digests over the size limit), "
                + "%d duplicates, %d unexpected%n", pipeline.runId(), audit.expected() - audit.missing(), audit.expected(),
                digests.omitted(), audit.duplicated(), audit.unexpected());
    }

    /** Papers at a steady rate, each alert emailed at once; latency per (recipient, paper) at each stage. */
    private void latency(int subscriptions, int rate, double seconds) throws Exception {
        latency(subscriptions, rate, seconds, true);
    }

    /**
     * @param measured whether to report it; a run that is not warms the JVM up: on two cores the
     *     compiler gets a core only now and then while the pipeline runs, and the first run measured
     *     at 100 papers/s queued emails for minutes that the same run after it sent within a second
     */
    private void latency(int subscriptions, int rate, double seconds, boolean measured) throws Exception {
        var corpus = new SyntheticCorpus(42, 40_000);
        try (BenchPipeline pipeline = pipeline("latency" + subscriptions / 1000 + "k",
                Map.of(StreamsServiceConfig.INSTANT_WINDOW_MS, "0",
                        // One email per alert: the hourly limit would hold back frequent recipients.
                        StreamsServiceConfig.MAX_EMAILS_PER_HOUR, "1000000"))) {
            prepare(pipeline, corpus, subscriptions);
            pipeline.startNotifier(smtp.port());
            awaitMarker(pipeline, 0);
            Map<String, List<String>> warm = warmUp(pipeline, corpus, rate, true);
            long baseline = smtp.pairs();
            long start = System.currentTimeMillis();
            ArrivalLog<Alert> alerts = alerts(bootstrap, true, start);
            ArrivalLog<Digest> digests = digests(bootstrap, start);
            List<Paper> papers = papers(pipeline, corpus, (int) (rate * seconds));
            Map<String, List<String>> expected = expected(pipeline, papers);
            Map<String, Long> sentAt = new LinkedHashMap<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < papers.size(); i++) {
                long due = t0 + (long) (i * 1e9 / rate);
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                sentAt.put(papers.get(i).getId(), pipeline.send(papers.get(i)));
            }
            pipeline.flush();
            verifyEmails(pipeline, expected, warm, baseline, digests, emailTimeout);
            alerts.close();
            digests.close();
            Map<String, long[]> stages = new LinkedHashMap<>();
            stages.put("alert on alerts", latencies(expected, sentAt, alerts::arrival));
            stages.put("digest on digests", latencies(expected, sentAt, digests::arrival));
            stages.put("email accepted by SMTP", latencies(expected, sentAt, smtp::arrival));
            if (!measured) {
                System.err.printf("%s: warm-up, not reported%n", pipeline.runId());
                return;
            }
            String memory = memory(pipeline);
            String label = String.format("latency, %d papers/s for %.0f s (%,d alerts)", rate, seconds,
                    EmailAudit.pairs(expected));
            stages.forEach((stage, samples) -> rows.add(String.format("| %s | %,d | %s: p50 / p95 / p99 / max | %s | %s | %s |",
                    label, subscriptions, stage, percentiles(samples),
                    stage.startsWith("email") ? "p99 < 1 s" : "", memory)));
            charts.latencyDistribution("pipeline-latency-" + subscriptions / 1000 + "k.png",
                    String.format("Paper sent -> ..., %,d subscriptions, %d papers/s, instant, no window", subscriptions, rate),
                    stages);
        }
    }

    /**
     * Papers at the rate for {@link #warmSeconds}, untimed, then waits until the streams service
     * has matched them and, with {@code emails}, until their emails were accepted.
     */
    private Map<String, List<String>> warmUp(BenchPipeline pipeline, SyntheticCorpus corpus, int rate, boolean emails)
            throws Exception {
        List<Paper> papers = papers(pipeline, corpus, (int) (rate * warmSeconds));
        Map<String, List<String>> expected = expected(pipeline, papers);
        long pairs = emails ? EmailAudit.pairs(expected) : 0;
        long before = smtp.pairs();
        long t0 = System.nanoTime();
        for (int i = 0; i < papers.size(); i++) {
            long due = t0 + (long) (i * 1e9 / rate);
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            pipeline.send(papers.get(i));
        }
        pipeline.flush();
        BenchPipeline.await(Duration.ofMinutes(10), "the warm-up papers to be matched", () -> pipeline.papersLag() == 0);
        if (emails) {
            BenchPipeline.await(Duration.ofMinutes(10), "the warm-up emails", () -> smtp.pairs() - before >= pairs);
        }
        return expected;
    }

    /** Sends the n-th marker paper and waits for its emails: the whole path works and is warm. */
    private void awaitMarker(BenchPipeline pipeline, int n) throws InterruptedException {
        Paper marker = pipeline.marker(n);
        pipeline.send(marker);
        pipeline.flush();
        BenchPipeline.await(Duration.ofMinutes(3), "the first marker's emails", () -> pipeline.markerRecipients().stream()
                .allMatch(r -> smtp.arrival(r, marker.getId()) != null));
    }

    private static long[] latencies(Map<String, List<String>> expected, Map<String, Long> sentAt,
            EmailAudit.Arrival arrival) {
        List<Long> out = new ArrayList<>();
        for (var entry : expected.entrySet()) {
            for (String recipient : entry.getValue()) {
                Long at = arrival.at(recipient, entry.getKey());
                if (at != null) {
                    out.add(at - sentAt.get(entry.getKey()));
                }
            }
        }
        long[] sorted = out.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String percentiles(long[] sorted) {
        return String.format("%,.0f / %,.0f / %,.0f / %,.0f ms", percentile(sorted, 50), percentile(sorted, 95),
                percentile(sorted, 99), percentile(sorted, 100));
    }

    /** The announcement: many papers at once, instant delivery with the default window. */
    private void burst(int subscriptions, int count) throws Exception {
        var corpus = new SyntheticCorpus(42, 40_000);
        try (BenchPipeline pipeline = pipeline("burst", Map.of())) {
            prepare(pipeline, corpus, subscriptions);
            pipeline.startNotifier(smtp.port());
            awaitMarker(pipeline, 0);
            long baseline = smtp.pairs();
            List<Paper> papers = papers(pipeline, corpus, count);
            Map<String, List<String>> expected = expected(pipeline, papers);
            long want = EmailAudit.pairs(expected);
            long start = System.currentTimeMillis();
            ArrivalLog<Alert> alerts = alerts(bootstrap, true, start);
            ArrivalLog<Digest> digests = digests(bootstrap, start);
            Map<String, Long> sentAt = new LinkedHashMap<>();
            papers.forEach(p -> sentAt.put(p.getId(), pipeline.send(p)));
            pipeline.flush();
            long sentMs = System.currentTimeMillis() - start;
            List<double[]> progress = new ArrayList<>();
            double alertsDone = Double.NaN;
            double emailsDone = Double.NaN;
            long deadline = System.currentTimeMillis() + Duration.ofMinutes(20).toMillis();
            while (System.currentTimeMillis() < deadline) {
                // Counts, not pair by pair: the check must not take the CPU it measures (pairs are checked at the end).
                long onAlerts = alerts.pairs();
                long emailed = smtp.pairs() - baseline;
                double t = (System.currentTimeMillis() - start) / 1000.0;
                progress.add(new double[] {t, onAlerts, emailed});
                if (Double.isNaN(alertsDone) && onAlerts >= want) {
                    alertsDone = t;
                }
                if (emailed + digests.omitted() >= want) {
                    emailsDone = t;
                    break;
                }
                Thread.sleep(250);
            }
            alerts.close();
            long alertsFound = onTopic(alerts, expected);
            if (alertsFound != want || alerts.duplicates() > 0) {
                failures.add(pipeline.runId() + ": " + alertsFound + " of " + want + " expected alerts on alerts, "
                        + alerts.duplicates() + " twice");
            }
            verifyEmails(pipeline, expected, Map.of(), baseline, digests, Duration.ofSeconds(5));
            digests.close();
            String memory = memory(pipeline);
            String label = String.format("burst: %,d papers at once (sent in %.1f s), %,d alerts, %,d emails "
                    + "(%,d papers counted, not listed, in digests over 50)", count, sentMs / 1000.0, want,
                    digests.records(), digests.omitted());
            rows.add(String.format("| %s | %,d | every alert on alerts | %.1f s | < 60 s | %s |", label, subscriptions,
                    alertsDone, memory));
            rows.add(String.format("| %s | %,d | every email accepted | %.1f s | < 180 s | %s |", label, subscriptions,
                    emailsDone, memory));
            double[] x = progress.stream().mapToDouble(r -> r[0]).toArray();
            charts.lines("pipeline-burst.png", String.format("%,d papers at once, %,d subscriptions", count, subscriptions),
                    "seconds since the first paper was sent", "(recipient, paper) pairs", Map.of(
                            "on alerts", new double[][] {x, progress.stream().mapToDouble(r -> r[1]).toArray()},
                            "accepted by SMTP", new double[][] {x, progress.stream().mapToDouble(r -> r[2]).toArray()}),
                    false);
        }
    }

    /**
     * Papers at rising rates for {@code stepSeconds} each, the lag of the streams service on
     * papers sampled twice a second; a rate is sustained when its lag stays bounded: at the end of
     * the step under two seconds of papers (a transaction commits every 100 ms, and lag counts
     * committed offsets), or no higher than half-way through it plus half a second of papers. The
     * notifier does not run: this is papers -> alerts.
     */
    private void sustained(int subscriptions, int[] rates, double stepSeconds) throws Exception {
        var corpus = new SyntheticCorpus(42, 40_000);
        try (BenchPipeline pipeline = pipeline("sustained" + subscriptions / 1000 + "k", Map.of())) {
            prepare(pipeline, corpus, subscriptions);
            warmUp(pipeline, corpus, rates[0], false);
            int total = Arrays.stream(rates).map(r -> (int) (r * stepSeconds)).sum();
            List<Paper> papers = papers(pipeline, corpus, total);
            long want = expectedPairs(pipeline, papers);
            long start = System.currentTimeMillis();
            ArrivalLog<Alert> alerts = alerts(bootstrap, false, start);
            List<double[]> samples = new ArrayList<>();
            int best = 0;
            int next = 0;
            long t0 = System.nanoTime();
            long stepStart = t0;
            StringBuilder steps = new StringBuilder();
            for (int rate : rates) {
                int n = (int) (rate * stepSeconds);
                long lastSample = 0;
                long midLag = -1;
                for (int i = 0; i < n; i++) {
                    if (i == n / 2) {
                        midLag = pipeline.papersLag();
                    }
                    long due = stepStart + (long) (i * 1e9 / rate);
                    while (System.nanoTime() < due) {
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                    pipeline.send(papers.get(next++));
                    if (System.nanoTime() - lastSample > 500_000_000L) {
                        lastSample = System.nanoTime();
                        samples.add(new double[] {(lastSample - t0) / 1e9, pipeline.papersLag(), rate});
                    }
                }
                stepStart += (long) (n * 1e9 / rate);
                pipeline.flush();
                long lag = pipeline.papersLag();
                samples.add(new double[] {(System.nanoTime() - t0) / 1e9, lag, rate});
                steps.append(String.format("%s%,d/s: lag %,d", steps.length() == 0 ? "" : "; ", rate, lag));
                if (lag <= 2L * rate || lag <= midLag + rate / 2) {
                    best = rate;
                }
            }
            long drainStart = System.nanoTime();
            long lagAtStop = pipeline.papersLag();
            for (long lag = lagAtStop; lag > 0; lag = pipeline.papersLag()) {
                samples.add(new double[] {(System.nanoTime() - t0) / 1e9, lag, 0});
                Thread.sleep(500);
            }
            double drainRate = lagAtStop / Math.max(0.001, (System.nanoTime() - drainStart) / 1e9);
            BenchPipeline.await(Duration.ofMinutes(5), want + " alerts", () -> alerts.pairs() >= want);
            alerts.close();
            if (alerts.pairs() != want) {
                failures.add(pipeline.runId() + ": " + alerts.pairs() + " alerts on alerts where " + want + " were expected");
            }
            String memory = memory(pipeline);
            rows.add(String.format("| sustained matching, %ds steps (%s); backlog drained at %,.0f papers/s | %,d | "
                    + "highest rate with bounded lag | %,d papers/s (%,.0f alerts/s) | %s | %s |",
                    (int) stepSeconds, steps, drainRate, subscriptions, best, best * (double) want / total,
                    subscriptions >= 100_000 ? ">= 1,000 papers/s" : "", memory));
            double[] x = samples.stream().mapToDouble(r -> r[0]).toArray();
            charts.lines("pipeline-sustained-" + subscriptions / 1000 + "k.png",
                    String.format("papers -> alerts at rising rates, %,d subscriptions", subscriptions),
                    "seconds", "papers", Map.of(
                            "lag of the streams service on papers", new double[][] {x, samples.stream().mapToDouble(r -> r[1]).toArray()},
                            "papers sent per second", new double[][] {x, samples.stream().mapToDouble(r -> r[2]).toArray()}),
                    false);
        }
    }

    /**
     * Alerts {@code count} papers (as fast as the pipeline takes them), then stops the streams
     * service, runs {@code paper-alerts replay papers} from before the first, starts it again and
     * times the re-matching; nothing may be alerted again (a marker sent after must be).
     */
    private void replay(int subscriptions, int count) throws Exception {
        var corpus = new SyntheticCorpus(42, 40_000);
        try (BenchPipeline pipeline = pipeline("replay", Map.of())) {
            prepare(pipeline, corpus, subscriptions);
            // After the warm-up papers: they were read before there were subscriptions, and would match now.
            Instant from = Instant.now();
            Thread.sleep(5);
            long first = System.nanoTime();
            long want = 0;
            int chunk = 10_000;
            for (int done = 0; done < count; done += chunk) {
                List<Paper> papers = papers(pipeline, corpus, Math.min(chunk, count - done));
                want += expectedPairs(pipeline, papers);
                papers.forEach(pipeline::send);
                while (pipeline.papersLag() > 50_000) {
                    Thread.sleep(200);
                }
            }
            pipeline.flush();
            BenchPipeline.await(Duration.ofHours(2), "the papers to be matched", () -> pipeline.papersLag() == 0);
            double firstSeconds = (System.nanoTime() - first) / 1e9;
            // The archive and the digests still take in the alerts after the papers are matched: left
            // to run on into the replay, that work was timed as the replay's.
            BenchPipeline.await(Duration.ofHours(1), "the alerts to be archived and buffered", pipeline::alertsSettled);
            double settledSeconds = (System.nanoTime() - first) / 1e9 - firstSeconds;
            pipeline.stopStreams();

            Path config = Files.createTempFile("replay-", ".properties");
            Files.writeString(config, "bootstrap.servers=" + bootstrap + "\n" + StreamsServiceConfig.APPLICATION_ID + "="
                    + pipeline.runId() + "\n", StandardCharsets.UTF_8);
            int exit = new CommandLine(new PaperAlertsCommand()).execute("replay", "papers", "--config", config.toString(),
                    "--from", from.toString());
            Files.delete(config);
            if (exit != 0) {
                failures.add(pipeline.runId() + ": replay papers exited with " + exit);
                return;
            }
            long start = System.currentTimeMillis();
            ArrivalLog<Alert> alerts = alerts(bootstrap, true, start);
            long replayStart = System.nanoTime();
            pipeline.startStreams(false);
            long replayed = pipeline.papersLag();
            List<double[]> samples = new ArrayList<>();
            while (true) {
                long lag = pipeline.papersLag();
                samples.add(new double[] {(System.nanoTime() - replayStart) / 1e9, lag});
                if (lag == 0) {
                    break;
                }
                Thread.sleep(500);
            }
            double replaySeconds = (System.nanoTime() - replayStart) / 1e9;
            Paper marker = pipeline.marker(2);
            pipeline.send(marker);
            pipeline.flush();
            BenchPipeline.await(Duration.ofMinutes(3), "the marker's alerts", () -> alerts.pairs() >= 6);
            alerts.close();
            if (alerts.pairs() != pipeline.markerRecipients().size()) {
                failures.add(pipeline.runId() + ": the replay alerted " + (alerts.pairs() - pipeline.markerRecipients().size())
                        + " pairs again");
            }
            String memory = memory(pipeline);
            rows.add(String.format("| replay papers of %,d papers already alerted (%,d alerts; first pass %.0f s, "
                    + "%,.0f papers/s, its alerts archived and buffered %.0f s later) | %,d | replay, until the lag is 0 | "
                    + "%.0f s (%,.0f papers/s), 0 alerts again | < 600 s for 1,000,000 | %s |", count, want, firstSeconds,
                    count / firstSeconds, settledSeconds, subscriptions, replaySeconds, replayed / replaySeconds, memory));
            double[] x = samples.stream().mapToDouble(r -> r[0]).toArray();
            charts.lines("pipeline-replay.png", String.format("replay papers: %,d papers, %,d subscriptions", count,
                    subscriptions), "seconds since the restart", "papers left to re-match", Map.of(
                            "lag of the streams service on papers", new double[][] {x, samples.stream().mapToDouble(r -> r[1]).toArray()}),
                    false);
        }
    }

    private static String memory(BenchPipeline pipeline) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return String.format("%,d MB | streams %,d MB, notifier %,d MB", heap >> 20, pipeline.stateBytes("streams") >> 20,
                pipeline.stateBytes("notifier") >> 20);
    }
}
