package io.paperalerts.notifier;

import io.paperalerts.operations.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * What the notifier does when an email cannot be sent, from the {@link FailureClassifier}'s verdict
 * and the digest's attempts so far: wait for the server (everything waits, with a jittered backoff),
 * park the digest until a time, or give up. Times come from its clock, jitter from its random
 * source, so the rules are tested without waiting.
 */
record NotifierFailurePolicy(Backoff backoff, int maxAttempts, Clock clock, DoubleSupplier random) {

    /** What to do with one failed email. */
    sealed interface Decision {}

    /** The server cannot be reached: this email and all behind it wait. */
    record WaitForServer() implements Decision {}

    /** Refused for now: parked on {@code digests.retry} as its {@code attempt}-th retry, due at {@code notBefore}. */
    record Park(int attempt, Instant notBefore) implements Decision {}

    /** Never: to {@code deliveries.failed} with the reason. */
    record GiveUp(String reason) implements Decision {}

    /**
     * @param failure why the send failed
     * @param attempts retries the digest had before this one (0 when it was never parked)
     * @param reason the failure as told to operators
     */
    Decision decide(Exception failure, int attempts, String reason) {
        return switch (FailureClassifier.classify(failure)) {
            case WAIT_FOR_SERVER -> new WaitForServer();
            case GIVE_UP -> new GiveUp(reason);
            case RETRY_LATER -> {
                int attempt = attempts + 1;
                yield attempt >= maxAttempts
                        ? new GiveUp("Gave up after " + attempt + " attempts: " + reason)
                        : new Park(attempt, clock.instant().plus(backoff.wait(attempt)));
            }
        };
    }

    /** How long everything waits after the {@code waits}-th time in a row the server could not be reached. */
    Duration serverWait(int waits) {
        return backoff.jittered(waits, random);
    }

    /** Whether a digest parked until {@code notBefore} may be sent now. */
    boolean due(Instant notBefore) {
        return !notBefore.isAfter(clock.instant());
    }

    Instant now() {
        return clock.instant();
    }
}
