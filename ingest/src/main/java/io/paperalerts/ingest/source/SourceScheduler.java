package io.paperalerts.ingest.source;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.IngestFailurePolicy;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.operations.BrokerCheck;
import io.paperalerts.operations.Health;
import io.paperalerts.operations.ServiceMetrics;
import io.paperalerts.operations.SupervisedWorker;
import io.paperalerts.topics.CompactedTopics;
import io.paperalerts.topics.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** The configured sources, polled once or each at its own interval until stopped. */
public final class SourceScheduler implements AutoCloseable {

    private final List<PaperSource> sources;
    private final SourcePoller poller;
    private final List<SupervisedWorker> workers = new ArrayList<>();

    public SourceScheduler(IngestConfig config, PaperPublisher publisher) {
        this.sources = sources(config);
        Map<String, Duration> politeness = new HashMap<>();
        Duration arxiv = Duration.ofMillis(config.getLong(IngestConfig.ARXIV_MIN_INTERVAL_MS));
        for (String url :
                List.of(config.getString(IngestConfig.ARXIV_API_URL), config.getString(IngestConfig.ARXIV_RSS_URL))) {
            String host = URI.create(url).getHost();
            if (host != null && host.endsWith("arxiv.org")) {
                politeness.put(host, arxiv);
            }
        }
        HttpFetcher http = new HttpFetcher(
                Duration.ofMillis(config.getLong(IngestConfig.HTTP_TIMEOUT_MS)),
                config.getString(IngestConfig.HTTP_USER_AGENT),
                IngestFailurePolicy.of(config),
                politeness);
        this.poller = new SourcePoller(
                http, publisher, CompactedTopics.latest(KafkaClients.of(config), Topics.INGEST_CHECKPOINTS));
        for (PaperSource source : sources) {
            workers.add(SupervisedWorker.of("poll-" + source.name(), stopping -> {
                do {
                    poller.poll(source);
                } while (!stopping.await(source.interval()));
            }));
        }
    }

    static List<PaperSource> sources(IngestConfig config) {
        List<PaperSource> sources = new ArrayList<>();
        for (String name : config.getList(IngestConfig.SOURCES)) {
            sources.add(
                    switch (name) {
                        case "arxiv-api" ->
                            new ArxivApiSource(
                                    config.getString(IngestConfig.ARXIV_API_URL),
                                    config.getString(IngestConfig.ARXIV_API_QUERY),
                                    config.getInt(IngestConfig.ARXIV_API_PAGE_SIZE),
                                    config.getInt(IngestConfig.ARXIV_API_MAX_PAGES),
                                    Duration.ofMillis(config.getLong(IngestConfig.ARXIV_API_INTERVAL_MS)));
                        case "arxiv-rss" ->
                            new ArxivRssSource(
                                    config.getString(IngestConfig.ARXIV_RSS_URL),
                                    config.getList(IngestConfig.ARXIV_RSS_CATEGORIES),
                                    Duration.ofMillis(config.getLong(IngestConfig.ARXIV_RSS_INTERVAL_MS)));
                        case "hf-daily" ->
                            new HuggingFaceDailySource(
                                    config.getString(IngestConfig.HF_URL),
                                    Duration.ofMillis(config.getLong(IngestConfig.HF_INTERVAL_MS)));
                        default -> throw new IllegalArgumentException("unknown source " + name);
                    });
        }
        return sources;
    }

    public List<PaperSource> sources() {
        return sources;
    }

    public SourcePoller.Metrics metrics(String source) {
        return poller.metrics(source);
    }

    /** Polls each source (or only {@code only}, if not null) once. @return whether all succeeded */
    public boolean pollOnce(String only) {
        boolean ok = true;
        boolean any = false;
        for (PaperSource source : sources) {
            if (only == null || only.equals(source.name())) {
                any = true;
                ok &= poller.poll(source);
            }
        }
        if (!any) {
            throw new IllegalArgumentException("source '" + only + "' is not configured; configured: "
                    + sources.stream().map(PaperSource::name).toList());
        }
        return ok;
    }

    /**
     * Polls every source at its own interval, each on a worker of its own, until closed. A failed
     * poll is handled inside poll(); anything escaping it kills the worker, which is restarted.
     */
    public void start() {
        workers.forEach(SupervisedWorker::start);
    }

    /** Per source: papers fetched, published, duplicate and rejected, failed polls, and when the last poll succeeded. */
    public void bindTo(MeterRegistry registry) {
        for (PaperSource source : sources) {
            SourcePoller.Metrics m = poller.metrics(source.name());
            counter(registry, "papers.fetched", source, m.fetched, "Papers read from the source");
            counter(registry, "papers.published", source, m.published, "Papers published to the papers topic");
            counter(registry, "papers.duplicate", source, m.duplicates, "Papers read again and not published again");
            counter(registry, "papers.rejected", source, m.rejected, "Records of the source that are not papers");
            counter(registry, "polls.failed", source, m.failures, "Polls of the source that failed");
            Gauge.builder(
                            ServiceMetrics.PREFIX + "source.last.success",
                            m,
                            x -> x.lastSuccess == null ? 0 : x.lastSuccess.toEpochMilli() / 1000.0)
                    .tag("source", source.name())
                    .baseUnit("seconds")
                    .description("When the source was last polled successfully (Unix time; 0: never)")
                    .register(registry);
        }
    }

    private static void counter(
            MeterRegistry registry, String name, PaperSource source, AtomicLong value, String description) {
        FunctionCounter.builder(ServiceMetrics.PREFIX + name, value, AtomicLong::get)
                .tag("source", source.name())
                .description(description)
                .register(registry);
    }

    /** Ready while every source's polling runs and the cluster answers ({@code broker}). */
    public Health health(BrokerCheck broker) {
        List<Health> parts = new ArrayList<>();
        workers.forEach(w -> parts.add(w.health()));
        parts.add(Health.of(Health.Status::up, broker::status));
        return Health.all(parts.toArray(Health[]::new));
    }

    /** Completes if a source's polling stopped for good: the process must exit. */
    public CompletableFuture<Throwable> died() {
        return SupervisedWorker.first(
                workers.stream().map(SupervisedWorker::gaveUp).toList());
    }

    @Override
    public void close() {
        workers.forEach(SupervisedWorker::close);
    }
}
