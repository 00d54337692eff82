package io.paperalerts.streams.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.time.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamsFailurePolicyTest {

    private final MovableClock clock = MovableClock.at(Instant.parse("2026-12-01T00:00:00Z"));

    @Test
    void shouldReplaceADeadThreadUntilTheBudgetIsSpentThenShutDown() {
        var policy = new StreamsFailurePolicy(100, 2, Duration.ofMinutes(10), clock);

        assertThat(policy.onThreadDeath(new RuntimeException("one")))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(policy.onThreadDeath(new RuntimeException("two")))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(policy.onThreadDeath(new RuntimeException("three")))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldReplaceAgainOnceOldDeathsLeaveTheWindow() {
        var policy = new StreamsFailurePolicy(100, 1, Duration.ofMinutes(10), clock);
        assertThat(policy.onThreadDeath(new RuntimeException("one")))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);

        clock.advance(Duration.ofMinutes(11));

        assertThat(policy.onThreadDeath(new RuntimeException("two")))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldDeadLetterFailedRecordsWithinTheBudgetThenFailAndShutDown() {
        var policy = new StreamsFailurePolicy(2, 5, Duration.ofMinutes(10), clock);
        var deadLetter = ProcessingExceptionHandler.Response.resume(List.of());

        assertThat(policy.onRecordFailure(new RuntimeException("a"), deadLetter).result())
                .isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(policy.onRecordFailure(new RuntimeException("b"), deadLetter).result())
                .isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(policy.onRecordFailure(new RuntimeException("c"), deadLetter).result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        // The thread that dies of it is not replaced: the failure is systemic
        assertThat(policy.onThreadDeath(new RuntimeException("c")))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldShutDownAtOnceNamingThePrincipalWhenKafkaRefusesTheService() {
        // Given a policy with thread replacements to spare, for the streams service's clients
        var policy = new StreamsFailurePolicy(100, 3, Duration.ofMinutes(10), clock);
        policy.explainWith(
                KafkaClients.of(
                        "kafka-1:9093",
                        Map.of(
                                "kafka.security.protocol",
                                "SASL_SSL",
                                "kafka.sasl.mechanism",
                                "SCRAM-SHA-512",
                                "kafka.sasl.jaas.config",
                                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"streams\" password=\"x\";")));

        // When a thread dies because an ACL is missing
        var response = policy.onThreadDeath(
                new StreamsException("fetch failed", new TopicAuthorizationException(Set.of("papers"))));

        // Then it is not replaced (it would be refused again) and the service is stopped
        assertThat(response).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(policy.onThreadDeath(new RuntimeException("the next thread")))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
