package io.paperalerts.registration;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** At most N events per key in any sliding hour; says how long until the next one is allowed. */
final class RateLimiter {

    private static final long WINDOW_MS = Duration.ofHours(1).toMillis();

    private final int limit;
    private final Clock clock;
    private final Map<String, Deque<Long>> events = new ConcurrentHashMap<>();

    RateLimiter(int limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    /** @return 0 if allowed (and counted), else the seconds to wait */
    long acquire(String key) {
        long now = clock.millis();
        Deque<Long> times = events.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst() <= now - WINDOW_MS) {
                times.pollFirst();
            }
            if (times.size() >= limit) {
                return Math.max(1, (times.peekFirst() + WINDOW_MS - now + 999) / 1000);
            }
            times.addLast(now);
            return 0;
        }
    }
}
