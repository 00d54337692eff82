package io.paperalerts.operations;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * The metrics registry of one service: Prometheus format, every meter tagged with the service,
 * JVM metrics bound. Names of our own meters start with {@code paper_alerts} (Micrometer writes
 * {@code paper.alerts.emails.sent} as {@code paper_alerts_emails_sent_total}).
 */
public final class ServiceMetrics {

    /** The prefix of every domain meter, in Micrometer's dotted form. */
    public static final String PREFIX = "paper.alerts.";

    private ServiceMetrics() {}

    public static PrometheusMeterRegistry create(String service) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags(List.of(Tag.of("service", service)));
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        // Never closed: its GC listeners live as long as the registry, which lives as long as the process.
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }
}
