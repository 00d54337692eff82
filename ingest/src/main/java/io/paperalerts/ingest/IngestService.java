package io.paperalerts.ingest;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.ingest.source.PaperSource;
import io.paperalerts.ingest.source.SourceScheduler;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.operations.BrokerCheck;
import io.paperalerts.operations.OperationsServer;
import io.paperalerts.operations.ServiceMetrics;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The ingest service: polls every configured source at its own interval into {@code papers}, with
 * its metrics and health served for operators. It works or it exits: see {@link IngestFailurePolicy}.
 */
public final class IngestService implements AutoCloseable {

    private final IngestConfig config;
    private final PaperPublisher publisher;
    private final SourceScheduler scheduler;
    private final PrometheusMeterRegistry metrics = ServiceMetrics.create("ingest");
    private final BrokerCheck broker;
    private OperationsServer operations;

    public IngestService(IngestConfig config) {
        this.config = config;
        this.publisher = new PaperPublisher(config);
        this.scheduler = new SourceScheduler(config, publisher);
        scheduler.bindTo(metrics);
        publisher.bindTo(metrics);
        this.broker = new BrokerCheck(KafkaClients.of(config));
    }

    /** Serves metrics and health (unless the port is 0), then starts polling. */
    public IngestService start() {
        operations = OperationsServer.start(
                config.getString(CommonConfig.METRICS_BIND_ADDRESS),
                config.getInt(IngestConfig.METRICS_PORT),
                metrics,
                scheduler.health(broker));
        scheduler.start();
        return this;
    }

    /** Completes, with the cause, when polling stopped for good: the process must exit non-zero. */
    public CompletableFuture<Throwable> died() {
        return scheduler.died();
    }

    /** What it polls, and where metrics and health are served, in a line. */
    public String describe() {
        List<String> sources = scheduler.sources().stream()
                .map(s -> s.name() + " every " + every(s))
                .toList();
        return "polling " + String.join(", ", sources) + " into "
                + String.join(",", config.getList(CommonConfig.BOOTSTRAP_SERVERS))
                + (operations == null ? "" : "; metrics and health on " + operations.url());
    }

    private static String every(PaperSource source) {
        return source.interval().toString().substring(2).toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        if (operations != null) {
            operations.close();
        }
        scheduler.close();
        publisher.close();
        broker.close();
    }
}
