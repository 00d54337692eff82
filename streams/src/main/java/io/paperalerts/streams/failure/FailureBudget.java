package io.paperalerts.streams.failure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How many failures may happen within a sliding window before they stop counting as isolated:
 * one bad record is set aside, a hundred in a minute is a fault of the code or of the data as a
 * whole, and a process that keeps going then only fills the dead-letter topic.
 */
public final class FailureBudget {

    private final int max;
    private final Duration window;
    private final Clock clock;
    private final Deque<Long> failures = new ArrayDeque<>();

    public FailureBudget(int max, Duration window, Clock clock) {
        if (max < 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a failure budget needs max >= 0 and a positive window");
        }
        this.max = max;
        this.window = window;
        this.clock = clock;
    }

    /** Counts one failure. @return whether it is still within the budget */
    public synchronized boolean spend() {
        long now = clock.millis();
        while (!failures.isEmpty() && failures.peekFirst() <= now - window.toMillis()) {
            failures.removeFirst();
        }
        failures.addLast(now);
        return failures.size() <= max;
    }

    @Override
    public String toString() {
        return max + " per " + window.toSeconds() + " s";
    }
}
