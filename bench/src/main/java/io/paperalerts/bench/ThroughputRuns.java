package io.paperalerts.bench;

import io.paperalerts.app.PaperAlertsCommand;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Paper;
import io.paperalerts.streams.StreamsServiceConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;

/**
 * The throughput runs of the {@link PipelineBenchmark}: sustained rates (papers to alerts, lag
 * bounded) and the replay of papers already alerted.
 */
final class ThroughputRuns {

    private final PipelineBenchmark bench;

    ThroughputRuns(PipelineBenchmark bench) {
        this.bench = bench;
    }

    /**
     * Papers at rising rates for {@code stepSeconds} each, the lags of the streams service on
     * papers (matching) and on alerts (the archive and the digest buffers, hence digests) sampled
     * twice a second; a rate is sustained when both lags stay bounded: at the end of the step under
     * two seconds of records (a transaction commits every 100 ms, and lag counts committed
     * offsets), or no higher than half-way through it plus half a second of records. The notifier
     * does not run: this is papers -> digests.
     *
     * @param settings of the streams service for this run
     * @param variant what the settings change, in the run's name and its plot's; empty for none
     */
    void sustained(int subscriptions, int[] rates, double stepSeconds, Map<String, Object> settings, String variant)
            throws Exception {
        var corpus = new SyntheticCorpus(42, 40_000);
        try (BenchPipeline pipeline = bench.pipeline("sustained" + subscriptions / 1000 + "k", settings)) {
            bench.prepare(pipeline, corpus, subscriptions);
            bench.warmUp(pipeline, corpus, rates[0], false);
            int total = Arrays.stream(rates).map(r -> (int) (r * stepSeconds)).sum();
            List<Paper> papers = bench.papers(pipeline, corpus, total);
            long want = PipelineBenchmark.expectedPairs(pipeline, papers);
            TopicBytes bytesBefore = TopicBytes.read(bench.bootstrap, pipeline.runId());
            long start = System.currentTimeMillis();
            ArrivalLog<Alert> alerts = PipelineBenchmark.alerts(bench.bootstrap, false, start);
            List<double[]> samples = new ArrayList<>();
            int best = 0;
            int next = 0;
            long t0 = System.nanoTime();
            long stepStart = t0;
            StringBuilder steps = new StringBuilder();
            double alertsPerPaper = (double) want / total;
            for (int rate : rates) {
                int n = (int) (rate * stepSeconds);
                long alertRate = Math.round(rate * alertsPerPaper);
                long lastSample = 0;
                long midLag = -1;
                long midAlertsLag = -1;
                for (int i = 0; i < n; i++) {
                    if (i == n / 2) {
                        midLag = pipeline.papersLag();
                        midAlertsLag = pipeline.alertsLag();
                    }
                    long due = stepStart + (long) (i * 1e9 / rate);
                    while (System.nanoTime() < due) {
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                    pipeline.send(papers.get(next++));
                    if (System.nanoTime() - lastSample > 500_000_000L) {
                        lastSample = System.nanoTime();
                        samples.add(sample(t0, pipeline, alertsPerPaper, rate));
                    }
                }
                stepStart += (long) (n * 1e9 / rate);
                pipeline.flush();
                long lag = pipeline.papersLag();
                long alertsLag = pipeline.alertsLag();
                samples.add(sample(t0, pipeline, alertsPerPaper, rate));
                steps.append(String.format(
                        "%s%,d/s: lag %,d papers, %,d alerts", steps.length() == 0 ? "" : "; ", rate, lag, alertsLag));
                boolean matched = lag <= 2L * rate || lag <= midLag + rate / 2;
                boolean digested = alertsLag <= 2L * alertRate || alertsLag <= midAlertsLag + alertRate / 2;
                if (matched && digested) {
                    best = rate;
                }
            }
            long drainStart = System.nanoTime();
            long lagAtStop = pipeline.papersLag();
            long alertsLagAtStop = pipeline.alertsLag();
            while (pipeline.papersLag() > 0 || !pipeline.alertsSettled()) {
                samples.add(sample(t0, pipeline, alertsPerPaper, 0));
                Thread.sleep(500);
            }
            // The backlog in papers: those not matched, and those matched whose alerts are not in digests yet.
            double backlog = lagAtStop + alertsLagAtStop / alertsPerPaper;
            double drainRate = backlog / Math.max(0.001, (System.nanoTime() - drainStart) / 1e9);
            BenchPipeline.await(Duration.ofMinutes(5), want + " alerts", () -> alerts.pairs() >= want);
            alerts.close();
            if (alerts.pairs() != want) {
                bench.failures.add(pipeline.runId() + ": " + alerts.pairs() + " alerts on alerts where " + want
                        + " were expected");
            }
            String written = TopicBytes.read(bench.bootstrap, pipeline.runId()).perAlert(bytesBefore, want);
            String memory = pipeline.memory();
            bench.rows.add(String.format(
                    "| sustained papers to digests%s (the same run) | %,d | bytes written per alert, all topics and "
                            + "changelogs | %s | <= 300 B | %s |",
                    variant.isEmpty() ? "" : ", " + variant, subscriptions, written, memory));
            bench.rows.add(String.format(
                    "| sustained papers to digests%s, %ds steps (%s); backlog drained at %,.0f papers/s | %,d | "
                            + "highest rate with bounded lag | %,d papers/s (%,.0f alerts/s) | %s | %s |",
                    variant.isEmpty() ? "" : ", " + variant,
                    (int) stepSeconds,
                    steps,
                    drainRate,
                    subscriptions,
                    best,
                    best * alertsPerPaper,
                    subscriptions >= 100_000 ? ">= 2,000 papers/s" : "",
                    memory));
            double[] x = samples.stream().mapToDouble(r -> r[0]).toArray();
            bench.charts.lines(
                    "pipeline-sustained-" + subscriptions / 1000 + "k"
                            + (variant.isEmpty() ? "" : "-" + variant.replaceAll("\\W+", "-")) + ".png",
                    String.format("papers -> digests at rising rates, %,d subscriptions", subscriptions),
                    "seconds",
                    "papers",
                    Map.of(
                            "lag on papers",
                                    new double[][] {
                                        x,
                                        samples.stream().mapToDouble(r -> r[1]).toArray()
                                    },
                            "lag on alerts, in papers",
                                    new double[][] {
                                        x,
                                        samples.stream().mapToDouble(r -> r[3]).toArray()
                                    },
                            "papers sent per second",
                                    new double[][] {
                                        x,
                                        samples.stream().mapToDouble(r -> r[2]).toArray()
                                    }),
                    false);
        }
    }

    /** {seconds, lag on papers, rate, lag on alerts in papers' worth}. */
    private static double[] sample(long t0, BenchPipeline pipeline, double alertsPerPaper, int rate) {
        return new double[] {
            (System.nanoTime() - t0) / 1e9, pipeline.papersLag(), rate, pipeline.alertsLag() / alertsPerPaper
        };
    }

    /**
     * Alerts {@code count} papers (as fast as the pipeline takes them), then stops the streams
     * service, runs {@code paper-alerts replay papers} from before the first, starts it again and
     * times the re-matching; nothing may be alerted again (a marker sent after must be).
     */
    void replay(int subscriptions, int count) throws Exception {
        var corpus = new SyntheticCorpus(42, 40_000);
        try (BenchPipeline pipeline = bench.pipeline("replay", Map.of())) {
            bench.prepare(pipeline, corpus, subscriptions);
            // After the warm-up papers: they were read before there were subscriptions, and would match now.
            Instant from = Instant.now();
            Thread.sleep(5);
            long first = System.nanoTime();
            long want = 0;
            int chunk = 10_000;
            for (int done = 0; done < count; done += chunk) {
                List<Paper> papers = bench.papers(pipeline, corpus, Math.min(chunk, count - done));
                want += PipelineBenchmark.expectedPairs(pipeline, papers);
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
            // At 1,000,000 papers (~42 million alerts at ~9,000 a second) this is more than an hour.
            BenchPipeline.await(Duration.ofHours(2), "the alerts to be archived and buffered", pipeline::alertsSettled);
            double settledSeconds = (System.nanoTime() - first) / 1e9 - firstSeconds;
            pipeline.stopStreams();

            Path config = Files.createTempFile("replay-", ".properties");
            Files.writeString(
                    config,
                    "bootstrap.servers=" + bench.bootstrap + "\n" + StreamsServiceConfig.APPLICATION_ID + "="
                            + pipeline.runId() + "\n",
                    StandardCharsets.UTF_8);
            int exit = new CommandLine(new PaperAlertsCommand())
                    .execute("replay", "papers", "--config", config.toString(), "--from", from.toString());
            Files.delete(config);
            if (exit != 0) {
                bench.failures.add(pipeline.runId() + ": replay papers exited with " + exit);
                return;
            }
            long start = System.currentTimeMillis();
            ArrivalLog<Alert> alerts = PipelineBenchmark.alerts(bench.bootstrap, true, start);
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
                bench.failures.add(pipeline.runId() + ": the replay alerted "
                        + (alerts.pairs() - pipeline.markerRecipients().size()) + " pairs again");
            }
            String memory = pipeline.memory();
            bench.rows.add(String.format(
                    "| replay papers of %,d papers already alerted (%,d alerts; first pass %.0f s, "
                            + "%,.0f papers/s, its alerts archived and buffered %.0f s later) | %,d | replay, until the lag is 0 | "
                            + "%.0f s (%,.0f papers/s), 0 alerts again | < 600 s for 1,000,000 | %s |",
                    count,
                    want,
                    firstSeconds,
                    count / firstSeconds,
                    settledSeconds,
                    subscriptions,
                    replaySeconds,
                    replayed / replaySeconds,
                    memory));
            double[] x = samples.stream().mapToDouble(r -> r[0]).toArray();
            bench.charts.lines(
                    "pipeline-replay.png",
                    String.format("replay papers: %,d papers, %,d subscriptions", count, subscriptions),
                    "seconds since the restart",
                    "papers left to re-match",
                    Map.of("lag of the streams service on papers", new double[][] {
                        x, samples.stream().mapToDouble(r -> r[1]).toArray()
                    }),
                    false);
        }
    }
}
