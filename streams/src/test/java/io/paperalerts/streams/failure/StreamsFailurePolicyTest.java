package io.paperalerts.streams.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamsFailurePolicyTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));

    @Test
    void shouldReplaceADeadThreadUntilTheBudgetIsSpentThenShutDown() {
        var policy = new StreamsFailurePolicy(100, 2, Duration.ofMinutes(10), clock);

        assertThat(policy.onThreadDeath(new RuntimeException("one"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(policy.onThreadDeath(new RuntimeException("two"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(policy.onThreadDeath(new RuntimeException("three"))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldReplaceAgainOnceOldDeathsLeaveTheWindow() {
        var policy = new StreamsFailurePolicy(100, 1, Duration.ofMinutes(10), clock);
        assertThat(policy.onThreadDeath(new RuntimeException("one"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);

        clock.advance(Duration.ofMinutes(11));

        assertThat(policy.onThreadDeath(new RuntimeException("two"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
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
        assertThat(policy.onThreadDeath(new RuntimeException("c"))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
