package io.paperalerts.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that can be moved: standing still until moved (tests walking through a simulated
 * day), or running with the wall clock from wherever it was moved to (the demo, which sends
 * tomorrow morning's digests within seconds). Safe to read from other threads.
 */
public final class MovableClock extends Clock {

    private final Clock base;
    private volatile Duration offset = Duration.ZERO;

    private MovableClock(Clock base) {
        this.base = base;
    }

    /** Reads {@code start} until moved. */
    public static MovableClock at(Instant start) {
        return new MovableClock(Clock.fixed(start, ZoneOffset.UTC));
    }

    /** Reads the wall clock until moved, and keeps running from where it was moved to. */
    public static MovableClock running() {
        return new MovableClock(Clock.systemUTC());
    }

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    /** Moves the clock so that it reads {@code to} now. */
    public void set(Instant to) {
        offset = Duration.between(base.instant(), to);
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a movable clock is in UTC");
    }
}
