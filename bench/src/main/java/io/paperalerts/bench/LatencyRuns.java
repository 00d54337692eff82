package io.paperalerts.bench;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Paper;
import io.paperalerts.streams.StreamsServiceConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The latency runs of the {@link PipelineBenchmark}: papers at a steady rate, each alert emailed
 * at once, and the burst of an announcement; latency per (recipient, paper) at each stage.
 */
final class LatencyRuns {

    private final PipelineBenchmark bench;

    LatencyRuns(PipelineBenchmark bench) {
        this.bench = bench;
    }

    /** Papers at a steady rate, each alert emailed at once; latency per (recipient, paper) at each stage. */
    void latency(int subscriptions, int rate, double seconds) throws Exception {
        latency(subscriptions, rate, seconds, true);
    }

    /**
     * The announcement: many papers at once, instant delivery with the default window.
     *
     * @param settings of the streams service for this run
     * @param variant what the settings change, in the run's name and its plot's; empty for none
     */
    void burst(int subscriptions, int count, Map<String, Object> settings, String variant) throws Exception {
        burst(subscriptions, count, settings, variant, 0);
    }

    /** @param readersWithFeedback subscribers who clicked 10 times before the burst, so their digests are ranked */
    void burst(int subscriptions, int count, Map<String, Object> settings, String variant, int readersWithFeedback)
            throws Exception {
        var corpus = new SyntheticCorpus(42, 40_000);
        try (BenchPipeline pipeline = bench.pipeline("burst", settings)) {
            bench.prepare(pipeline, corpus, subscriptions);
            if (readersWithFeedback > 0) {
                long learning = System.nanoTime();
                pipeline.giveFeedback(corpus, readersWithFeedback, 10, PipelineBenchmark.WARMUP_PAPERS);
                System.err.printf(
                        "%s: %,d readers' feedback learnt in %.1f s%n",
                        pipeline.runId(), readersWithFeedback, (System.nanoTime() - learning) / 1e9);
            }
            pipeline.startNotifier(bench.smtp.port());
            bench.awaitMarker(pipeline, 0);
            long baseline = bench.smtp.pairs();
            List<Paper> papers = bench.papers(pipeline, corpus, count);
            Map<String, List<String>> expected = PipelineBenchmark.expected(pipeline, papers);
            long want = EmailAudit.pairs(expected);
            TopicBytes bytesBefore = TopicBytes.read(bench.bootstrap, pipeline.runId());
            long start = System.currentTimeMillis();
            ArrivalLog<Alert> alerts = PipelineBenchmark.alerts(bench.bootstrap, true, start);
            AtomicLong ranked = new AtomicLong();
            AtomicLong rankedLower = new AtomicLong();
            ArrivalLog<Digest> digests = PipelineBenchmark.digests(bench.bootstrap, start, d -> {
                if (!d.getRanking().isEmpty()) {
                    ranked.incrementAndGet();
                }
                rankedLower.addAndGet(d.getRankedLower());
            });
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
                long emailed = bench.smtp.pairs() - baseline;
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
            String written = TopicBytes.read(bench.bootstrap, pipeline.runId()).perAlert(bytesBefore, want);
            long alertsFound = PipelineBenchmark.onTopic(alerts, expected);
            if (alertsFound != want || alerts.duplicates() > 0) {
                bench.failures.add(pipeline.runId() + ": " + alertsFound + " of " + want
                        + " expected alerts on alerts, " + alerts.duplicates() + " twice");
            }
            bench.verifyEmails(pipeline, expected, Map.of(), baseline, digests, Duration.ofSeconds(5));
            digests.close();
            String memory = pipeline.memory();
            String label = String.format(
                    "burst%s: %,d papers at once (sent in %.1f s), %,d alerts, %,d emails "
                            + "(%,d papers counted, not listed: in digests over 50, or ranked lower; "
                            + "%,d emails ranked for their reader, %,d papers ranked lower)",
                    variant.isEmpty() ? "" : ", " + variant,
                    count,
                    sentMs / 1000.0,
                    want,
                    digests.records(),
                    digests.omitted(),
                    ranked.get(),
                    rankedLower.get());
            bench.rows.add(String.format(
                    "| %s | %,d | every alert on alerts | %.1f s | < 60 s | %s |",
                    label, subscriptions, alertsDone, memory));
            bench.rows.add(String.format(
                    "| %s | %,d | every email accepted | %.1f s | < 180 s | %s |",
                    label, subscriptions, emailsDone, memory));
            bench.rows.add(String.format(
                    "| %s | %,d | bytes written per alert, all topics and changelogs | %s | <= 300 B | %s |",
                    label, subscriptions, written, memory));
            double[] x = progress.stream().mapToDouble(r -> r[0]).toArray();
            bench.charts.lines(
                    variant.isEmpty()
                            ? "pipeline-burst.png"
                            : "pipeline-burst-" + variant.replaceAll("\\W+", "-") + ".png",
                    String.format("%,d papers at once, %,d subscriptions", count, subscriptions),
                    "seconds since the first paper was sent",
                    "(recipient, paper) pairs",
                    Map.of(
                            "on alerts",
                                    new double[][] {
                                        x,
                                        progress.stream().mapToDouble(r -> r[1]).toArray()
                                    },
                            "accepted by SMTP",
                                    new double[][] {
                                        x,
                                        progress.stream().mapToDouble(r -> r[2]).toArray()
                                    }),
                    false);
        }
    }

    /**
     * @param measured whether to report it; a run that is not warms the JVM up: on two cores the
     *     compiler gets a core only now and then while the pipeline runs, and the first run measured
     *     at 100 papers/s queued emails for minutes that the same run after it sent within a second
     */
    void latency(int subscriptions, int rate, double seconds, boolean measured) throws Exception {
        latency(subscriptions, rate, seconds, measured, Map.of(), "");
    }

    /**
     * @param settings of the streams service for this run
     * @param variant what the settings change, in the run's name and its plot's; empty for none
     */
    void latency(
            int subscriptions, int rate, double seconds, boolean measured, Map<String, Object> settings, String variant)
            throws Exception {
        var corpus = new SyntheticCorpus(42, 40_000);
        Map<String, Object> overrides = new HashMap<>(settings);
        overrides.put(StreamsServiceConfig.INSTANT_WINDOW_MS, "0");
        // One email per alert: the hourly limit would hold back frequent recipients.
        overrides.put(StreamsServiceConfig.MAX_EMAILS_PER_HOUR, "1000000");
        try (BenchPipeline pipeline = bench.pipeline("latency" + subscriptions / 1000 + "k", overrides)) {
            bench.prepare(pipeline, corpus, subscriptions);
            pipeline.startNotifier(bench.smtp.port());
            bench.awaitMarker(pipeline, 0);
            Map<String, List<String>> warm = bench.warmUp(pipeline, corpus, rate, true);
            long baseline = bench.smtp.pairs();
            long start = System.currentTimeMillis();
            ArrivalLog<Alert> alerts = PipelineBenchmark.alerts(bench.bootstrap, true, start);
            ArrivalLog<Digest> digests = PipelineBenchmark.digests(bench.bootstrap, start);
            List<Paper> papers = bench.papers(pipeline, corpus, (int) (rate * seconds));
            Map<String, List<String>> expected = PipelineBenchmark.expected(pipeline, papers);
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
            bench.verifyEmails(pipeline, expected, warm, baseline, digests, bench.emailTimeout);
            alerts.close();
            digests.close();
            Map<String, long[]> stages = new LinkedHashMap<>();
            stages.put("alert on alerts", latencies(expected, sentAt, alerts::arrival));
            stages.put("digest on digests", latencies(expected, sentAt, digests::arrival));
            stages.put("email accepted by SMTP", latencies(expected, sentAt, bench.smtp::arrival));
            if (!measured) {
                System.err.printf("%s: warm-up, not reported%n", pipeline.runId());
                return;
            }
            String memory = pipeline.memory();
            String label = String.format(
                    "latency, %d papers/s for %.0f s (%,d alerts)%s",
                    rate, seconds, EmailAudit.pairs(expected), variant.isEmpty() ? "" : ", " + variant);
            stages.forEach((stage, samples) -> bench.rows.add(String.format(
                    "| %s | %,d | %s: p50 / p95 / p99 / max | %s | %s | %s |",
                    label,
                    subscriptions,
                    stage,
                    percentiles(samples),
                    stage.startsWith("email") ? "p99 < 1 s" : "",
                    memory)));
            bench.charts.latencyDistribution(
                    "pipeline-latency-" + subscriptions / 1000 + "k"
                            + (variant.isEmpty() ? "" : "-" + variant.replaceAll("[^A-Za-z0-9]+", "-")) + ".png",
                    String.format(
                            "Paper sent -> ..., %,d subscriptions, %d papers/s, instant, no window%s",
                            subscriptions, rate, variant.isEmpty() ? "" : ", " + variant),
                    stages);
        }
    }

    private static long[] latencies(
            Map<String, List<String>> expected, Map<String, Long> sentAt, EmailAudit.Arrival arrival) {
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
        return String.format(
                "%,.0f / %,.0f / %,.0f / %,.0f ms",
                percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99), percentile(sorted, 100));
    }
}
