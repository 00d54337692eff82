package io.paperalerts.operations;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff: the wait before the {@code attempt}-th retry (from 1) doubles from {@code
 * initial} up to {@code max}. Jittered waits (between half and all of it) keep instances that failed
 * together from retrying together.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("a backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    public static Backoff ofMillis(long initial, long max) {
        return new Backoff(Duration.ofMillis(initial), Duration.ofMillis(max));
    }

    /** The wait before the {@code attempt}-th retry (attempts from 1). */
    public Duration wait(int attempt) {
        int doublings = Math.max(0, Math.min(attempt - 1, 30));
        long millis = initial.toMillis() << doublings;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }

    /** {@link #wait} scaled into [half, all] by {@code random} (a number in [0, 1)). */
    public Duration jittered(int attempt, DoubleSupplier random) {
        long full = wait(attempt).toMillis();
        return Duration.ofMillis(full / 2 + (long) (random.getAsDouble() * (full - full / 2 + 1)));
    }
}
