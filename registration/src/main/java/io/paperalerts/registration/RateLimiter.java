package io.paperalerts.registration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Predicate;

/**
 * At most N events per key in any sliding window; says how long until the next one is allowed.
 * Keys live in a bounded cache that forgets a key idle for a window: a flood of distinct keys
 * (addresses, clients) costs a fixed amount of memory, and forgetting a key only ever lets its
 * owner in earlier.
 */
final class RateLimiter {

    static final int MAX_KEYS = 100_000;

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Cache<String, Deque<Long>> events;

    RateLimiter(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
        this.events = Caffeine.newBuilder()
                .maximumSize(MAX_KEYS)
                .expireAfterAccess(window)
                .ticker(() -> clock.millis() * 1_000_000L)
                .build();
    }

    /** @return 0 if one more event is allowed now (not counted), else the seconds to wait */
    long waitSeconds(String key) {
        Deque<Long> times = events.getIfPresent(key);
        if (times == null) {
            return limit > 0 ? 0 : window.toSeconds();
        }
        synchronized (times) {
            long now = clock.millis();
            expire(times, now);
            return times.size() < limit ? 0 : Math.max(1, (times.peekFirst() + window.toMillis() - now + 999) / 1000);
        }
    }

    /** Counts one event. */
    void spend(String key) {
        Deque<Long> times = events.get(key, k -> new ArrayDeque<>());
        synchronized (times) {
            long now = clock.millis();
            expire(times, now);
            times.addLast(now);
        }
    }

    /** Drops what is counted under the keys that match (an address being forgotten). */
    void forget(Predicate<String> keys) {
        events.asMap().keySet().removeIf(keys);
    }

    /** Keys held now (after pending evictions), for tests. */
    long keys() {
        events.cleanUp();
        return events.estimatedSize();
    }

    private void expire(Deque<Long> times, long now) {
        while (!times.isEmpty() && times.peekFirst() <= now - window.toMillis()) {
            times.pollFirst();
        }
    }
}
