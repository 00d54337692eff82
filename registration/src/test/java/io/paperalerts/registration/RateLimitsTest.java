package io.paperalerts.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paperalerts.time.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    private final MovableClock clock = MovableClock.at(Instant.parse("2026-12-01T00:00:00Z"));

    private RateLimits limits(int perClient, int perAddress) {
        return new RateLimits(
                new RegistrationConfig(Map.of(
                        RegistrationConfig.MAX_PER_CLIENT, perClient,
                        RegistrationConfig.MAX_PER_ADDRESS, perAddress,
                        RegistrationConfig.MAX_PER_ADDRESS_ALL_CLIENTS, perAddress)),
                clock);
    }

    @Test
    void shouldSpendNothingOfAnAddressForAClientPastItsOwnLimit() {
        RateLimits limits = limits(2, 2);
        limits.email("a@example.org", "203.0.113.7");
        limits.email("b@example.org", "203.0.113.7");

        // The attacker, past its own limit, tries the victim's address again and again
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> limits.email("victim@example.org", "203.0.113.7"))
                    .isInstanceOf(ApiError.class)
                    .hasMessageContaining("too many requests from this client");
        }

        // The victim's address still has its whole allowance
        limits.email("victim@example.org", "198.51.100.9");
        limits.email("victim@example.org", "198.51.100.10");
        assertThatThrownBy(() -> limits.email("victim@example.org", "198.51.100.11"))
                .hasMessageContaining("too many requests for victim@example.org");
    }

    @Test
    void shouldAllowAgainOnceTheHourHasPassed() {
        RateLimits limits = limits(1, 5);
        limits.email("a@example.org", "10.0.0.1");
        assertThatThrownBy(() -> limits.email("a@example.org", "10.0.0.1"))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.retryAfterSeconds).isBetween(3599L, 3600L));

        clock.advance(Duration.ofMinutes(61));

        limits.email("a@example.org", "10.0.0.1");
    }

    @Test
    void shouldKeepItsMemoryBoundedWhateverTheNumberOfKeys() {
        RateLimiter limiter = new RateLimiter(5, Duration.ofHours(1), clock);

        for (int i = 0; i < 1_000_000; i++) {
            limiter.spend("reader" + i + "@example.org");
        }

        assertThat(limiter.keys()).isLessThanOrEqualTo(RateLimiter.MAX_KEYS);
    }
}
