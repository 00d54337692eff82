package io.paperalerts.ingest.source;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.paperalerts.ingest.IngestConfig;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.operations.BrokerCheck;
import io.paperalerts.operations.Health;
import io.paperalerts.operations.ServiceMetrics;
import io.paperalerts.topics.CompactedTopics;
import io.paperalerts.topics.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The configured sources, polled once or each at its own interval until stopped. */
public final class SourceScheduler implements AutoCloseable {

    private final List<PaperSource> sources;
    private final SourcePoller poller;
    private ScheduledExecutorService executor;
    private final CompletableFuture<Throwable> died = new CompletableFuture<>();

    public SourceScheduler(IngestConfig config, PaperPublisher publisher) {
        this.sources = sources(config);
        Map<String, Duration> politeness = new HashMap<>();
        Duration arxiv = Duration.ofMillis(config.getLong(IngestConfig.ARXIV_MIN_INTERVAL_MS));
        for (String url : List.of(config.getString(IngestConfig.ARXIV_API_URL), config.getString(IngestConfig.ARXIV_RSS_URL))) {
            String host = URI.create(url).getHost();
            if (host != null && host.endsWith("arxiv.org")) {
                politeness.put(host, arxiv);
            }
        }
        HttpFetcher http = new HttpFetcher(Duration.ofMillis(config.getLong(IngestConfig.HTTP_TIMEOUT_MS)),
                config.getString(IngestConfig.HTTP_USER_AGENT), config.getInt(IngestConfig.HTTP_RETRIES),
                Duration.ofMillis(config.getLong(IngestConfig.HTTP_BACKOFF_INITIAL_MS)),
                Duration.ofMillis(config.getLong(IngestConfig.HTTP_BACKOFF_MAX_MS)), politeness);
        this.poller = new SourcePoller(http, publisher,
                CompactedTopics.latest(KafkaClients.of(config), Topics.INGEST_CHECKPOINTS));
    }

    static List<PaperSource> sources(IngestConfig config) {
        List<PaperSource> sources = new ArrayList<>();
        for (String name : config.getList(IngestConfig.SOURCES)) {
            sources.add(switch (name) {
                case "arxiv-api" -> new ArxivApiSource(config.getString(IngestConfig.ARXIV_API_URL),
                        config.getString(IngestConfig.ARXIV_API_QUERY), config.getInt(IngestConfig.ARXIV_API_PAGE_SIZE),
                        config.getInt(IngestConfig.ARXIV_API_MAX_PAGES),
                        Duration.ofMillis(config.getLong(IngestConfig.ARXIV_API_INTERVAL_MS)));
                case "arxiv-rss" -> new ArxivRssSource(config.getString(IngestConfig.ARXIV_RSS_URL),
                        config.getList(IngestConfig.ARXIV_RSS_CATEGORIES),
                        Duration.ofMillis(config.getLong(IngestConfig.ARXIV_RSS_INTERVAL_MS)));
                case "hf-daily" -> new HuggingFaceDailySource(config.getString(IngestConfig.HF_URL),
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

    /** Polls every source at its own interval, on a thread of its own, until closed. */
    public void start() {
        executor = Executors.newScheduledThreadPool(Math.max(1, sources.size()));
        for (PaperSource source : sources) {
            executor.scheduleWithFixedDelay(() -> {
                try {
                    poller.poll(source);
                } catch (RuntimeException | Error e) {
                    // A failed poll is handled inside poll(); anything escaping it would silently
                    // end this source's schedule, leaving a process that polls nothing.
                    died.complete(e);
                    throw e;
                }
            }, 0, source.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
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
            Gauge.builder(ServiceMetrics.PREFIX + "source.last.success", m,
                            x -> x.lastSuccess == null ? 0 : x.lastSuccess.toEpochMilli() / 1000.0)
                    .tag("source", source.name()).baseUnit("seconds")
                    .description("When the source was last polled successfully (Unix time; 0: never)").register(registry);
        }
    }

    private static void counter(MeterRegistry registry, String name, PaperSource source, AtomicLong value,
            String description) {
        FunctionCounter.builder(ServiceMetrics.PREFIX + name, value, AtomicLong::get).tag("source", source.name())
                .description(description).register(registry);
    }

    /** Live while every source's polling runs; ready when the cluster answers too ({@code broker}). */
    public Health health(BrokerCheck broker) {
        return new Health() {
            @Override
            public Status live() {
                return died.isDone() ? Status.down("polling died: " + died.join()) : Status.up();
            }

            @Override
            public Status ready() {
                return live().and(broker::status);
            }
        };
    }

    /** Completes if a source's polling died of something a poll does not handle: the process must exit. */
    public CompletableFuture<Throwable> died() {
        return died;
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
