package io.paperalerts.notifier;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.paperalerts.operations.ServiceMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** What the notifier counts and times; bound to the service's registry when it has one. */
final class NotifierMetrics {

    final AtomicLong emails = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong gaveUp = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong parked = new AtomicLong();
    final AtomicLong alreadyDelivered = new AtomicLong();
    private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
    final Timer smtpSend = Timer.builder(ServiceMetrics.PREFIX + "smtp.send")
            .description("Time the SMTP server took to accept an email")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(2))
            .register(meters);
    final Timer endToEnd = Timer.builder(ServiceMetrics.PREFIX + "end.to.end.latency")
            .description("From the oldest paper of an email reaching the papers topic to the SMTP server accepting "
                    + "the email; one sample per email")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(100))
            .maximumExpectedValue(Duration.ofDays(8))
            .register(meters);

    void bindTo(MeterRegistry registry) {
        meters.add(registry);
        counter(registry, "emails.sent", emails, "Emails the SMTP server accepted");
        counter(registry, "papers.delivered", delivered, "Papers in the emails the SMTP server accepted");
        counter(registry, "emails.retried", retries, "Sends retried because the SMTP server could not be reached");
        counter(registry, "emails.parked", parked, "Emails parked on digests.retry after a 4xx reply");
        counter(registry, "emails.failed", gaveUp, "Emails given up for good (5xx, bad address, too many attempts)");
        counter(
                registry,
                "papers.already.delivered",
                alreadyDelivered,
                "Papers left out of an email because the recipient already got them");
    }

    private static void counter(MeterRegistry registry, String name, AtomicLong value, String description) {
        FunctionCounter.builder(ServiceMetrics.PREFIX + name, value, AtomicLong::get)
                .description(description)
                .register(registry);
    }
}
