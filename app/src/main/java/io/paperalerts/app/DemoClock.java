package io.paperalerts.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The demo's digest clock: the wall clock until the demo moves it to the next digest hour, so
 * that a daily digest and a trending ranking go out within seconds instead of tomorrow morning.
 * It keeps running from there. Only digest scheduling reads it; records keep wall-clock times.
 */
final class DemoClock extends Clock {

    private volatile Duration ahead = Duration.ZERO;

    /** Moves the clock so that it reads {@code at} now. */
    void jumpTo(Instant at) {
        ahead = Duration.between(Instant.now(), at);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(ahead);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the demo's clock is in UTC");
    }
}
