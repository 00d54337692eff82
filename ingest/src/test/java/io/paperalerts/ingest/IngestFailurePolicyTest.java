package io.paperalerts.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.kafka.KafkaProblem;
import io.paperalerts.operations.Backoff;
import io.paperalerts.time.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One test per rule of ingest's failure policy; no server, no clock but a fake one. */
@Timeout(10)
class IngestFailurePolicyTest {

    private static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");

    /** Retries after 1 s, doubling up to 8 s, three times; jitter at its middle. */
    private final IngestFailurePolicy policy =
            new IngestFailurePolicy(Backoff.ofMillis(1_000, 8_000), 3, MovableClock.at(NOW), () -> 0.5);

    @Test
    void shouldRetryServerErrorsAndRateLimitsAndFailOtherAnswersAtOnce() {
        assertThat(IngestFailurePolicy.ofStatus(200)).isEqualTo(IngestFailurePolicy.HttpVerdict.SUCCESS);
        assertThat(IngestFailurePolicy.ofStatus(503)).isEqualTo(IngestFailurePolicy.HttpVerdict.RETRY);
        assertThat(IngestFailurePolicy.ofStatus(429)).isEqualTo(IngestFailurePolicy.HttpVerdict.RETRY);
        assertThat(IngestFailurePolicy.ofStatus(404)).isEqualTo(IngestFailurePolicy.HttpVerdict.FAIL);
        assertThat(IngestFailurePolicy.ofStatus(400)).isEqualTo(IngestFailurePolicy.HttpVerdict.FAIL);
        assertThat(IngestFailurePolicy.ofStatus(301)).isEqualTo(IngestFailurePolicy.HttpVerdict.FAIL);
    }

    @Test
    void shouldRetryAsManyTimesAsConfigured() {
        assertThat(policy.mayRetry(3)).isTrue();
        assertThat(policy.mayRetry(4)).isFalse();
    }

    @Test
    void shouldWaitAJitteredDoublingBackoffWhenTheServerSaysNothing() {
        assertThat(policy.waitBefore(1, null)).isEqualTo(Duration.ofMillis(750));
        assertThat(policy.waitBefore(2, null)).isEqualTo(Duration.ofMillis(1_500));
        assertThat(policy.waitBefore(9, null)).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void shouldWaitAsRetryAfterSaysInSecondsOrAsADateButNeverOverTheMaximum() {
        String inFiveSeconds =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(5).atZone(ZoneOffset.UTC));
        assertThat(policy.waitBefore(1, "2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.waitBefore(1, inFiveSeconds)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.waitBefore(1, "3600")).isEqualTo(Duration.ofSeconds(8));
        // An unreadable Retry-After is no answer: the backoff decides.
        assertThat(policy.waitBefore(1, "soon")).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void shouldReplaceTheProducerOnlyWhenItsFailureIsNotRetriable() {
        assertThat(IngestFailurePolicy.replacesProducer(new TimeoutException("broker away")))
                .isFalse();
        assertThat(IngestFailurePolicy.replacesProducer(new KafkaException("fenced")))
                .isTrue();
    }

    @Test
    void shouldStopPollingWhenTheClusterRefusesUsAndOnlyThen() {
        KafkaProblem refused = IngestFailurePolicy.stopsPolling(
                new KafkaException("send failed", new TopicAuthorizationException("Not authorized to access topics")));
        assertThat(refused).isNotNull();
        assertThat(IngestFailurePolicy.stopsPolling(new KafkaException(new SaslAuthenticationException("bad"))))
                .isNotNull();
        assertThat(IngestFailurePolicy.stopsPolling(new TimeoutException("broker away")))
                .isNull();
    }
}
