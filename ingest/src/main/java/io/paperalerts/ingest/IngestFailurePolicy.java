package io.paperalerts.ingest;

import io.paperalerts.kafka.KafkaProblem;
import io.paperalerts.operations.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.apache.kafka.common.errors.RetriableException;

/**
 * What ingest does when something fails, in one place:
 *
 * <ul>
 *   <li>a source answers 5xx or 429, or the request fails on I/O: the request is tried again, up to
 *       {@code ingest.http.retries} times, after the wait its {@code Retry-After} asks or else a
 *       jittered exponential backoff, never longer than the backoff's maximum;
 *   <li>any other answer but 2xx fails the poll at once: a source that answers 404 is broken, not
 *       empty;
 *   <li>a failed poll (the source down, the cluster away) is tried again at the source's next turn;
 *       its papers are not lost, as its checkpoint moves only once they are published;
 *   <li>a producer failure that is not retriable replaces the producer, which would refuse every
 *       later send;
 *   <li>refused by the cluster (credentials, ACLs): polling stops and the service exits non-zero,
 *       as every later poll would be refused too;
 *   <li>anything else a poll throws kills the source's worker, which is restarted with a backoff
 *       and, dying again and again, stops the service ({@code SupervisedWorker}).
 * </ul>
 */
public record IngestFailurePolicy(Backoff backoff, int retries, Clock clock, DoubleSupplier random) {

    /** What an HTTP status means for the request. */
    public enum HttpVerdict {
        SUCCESS,
        RETRY,
        FAIL
    }

    /** The policy the {@code ingest.http.*} keys configure. */
    public static IngestFailurePolicy of(IngestConfig config) {
        return new IngestFailurePolicy(
                Backoff.ofMillis(
                        config.getLong(IngestConfig.HTTP_BACKOFF_INITIAL_MS),
                        config.getLong(IngestConfig.HTTP_BACKOFF_MAX_MS)),
                config.getInt(IngestConfig.HTTP_RETRIES),
                Clock.systemUTC(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    public static HttpVerdict ofStatus(int status) {
        if (status >= 200 && status < 300) {
            return HttpVerdict.SUCCESS;
        }
        return status >= 500 || status == 429 ? HttpVerdict.RETRY : HttpVerdict.FAIL;
    }

    /** Whether a request that failed {@code failures} times (from 1) may be tried again. */
    public boolean mayRetry(int failures) {
        return failures <= retries;
    }

    /**
     * The wait before the {@code retry}-th retry (from 1): what the server asked for in {@code
     * Retry-After} ({@code null}: nothing), else a jittered backoff; never over the backoff's maximum.
     */
    public Duration waitBefore(int retry, String retryAfterHeader) {
        Duration asked = retryAfter(retryAfterHeader);
        Duration wait = asked != null ? asked : backoff.jittered(retry, random);
        return wait.compareTo(backoff.max()) > 0 ? backoff.max() : wait;
    }

    /** {@code Retry-After} as seconds or as an HTTP date; {@code null} when absent or unreadable. */
    Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration until = Duration.between(clock.instant(), at);
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /** Whether a failed send leaves the producer unusable: it is then replaced. */
    public static boolean replacesProducer(Exception failure) {
        return !(failure instanceof RetriableException);
    }

    /** The cluster's refusal behind a failed poll, which stops polling for good; {@code null} if none. */
    public static KafkaProblem stopsPolling(Exception failure) {
        return KafkaProblem.explain(failure, null);
    }
}
