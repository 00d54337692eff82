package io.paperalerts.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkTokensTest {

    private static final byte[] SECRET = "a test secret of 32 bytes, ok!!!".getBytes(StandardCharsets.UTF_8);
    private final Clock now = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    private final LinkTokens tokens = new LinkTokens(SECRET, Duration.ofDays(30), now);

    @Test
    void shouldVerifyWhatItSigned() {
        String token = tokens.sign("unsubscribe", "ada@example.org", List.of("s1", "s2"));

        LinkTokens.Claims claims = tokens.verify(token);

        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        assertThat(claims.action()).isEqualTo("unsubscribe");
        assertThat(claims.recipient()).isEqualTo("ada@example.org");
        assertThat(claims.subscriptionIds()).containsExactly("s1", "s2");
    }

    @Test
    void shouldRefuseATamperedToken() {
        String token = tokens.sign("unsubscribe", "ada@example.org", List.of("s1"));
        String forged = tokens.sign("unsubscribe", "bob@example.org", List.of("s9"));
        String swapped = forged.substring(0, forged.indexOf('.')) + token.substring(token.indexOf('.'));

        assertThatThrownBy(() -> tokens.verify(swapped)).hasMessage("invalid token signature");
        assertThatThrownBy(() -> new LinkTokens(
                                "another secret, 32 bytes long!!!".getBytes(StandardCharsets.UTF_8),
                                Duration.ofDays(30),
                                now)
                        .verify(token))
                .hasMessage("invalid token signature");
        assertThatThrownBy(() -> tokens.verify("garbage")).hasMessage("malformed token");
    }

    @Test
    void shouldRefuseAnExpiredToken() {
        String token = tokens.sign("manage", "ada@example.org", List.of());
        LinkTokens later = new LinkTokens(
                SECRET, Duration.ofDays(30), Clock.fixed(Instant.parse("2026-12-29T12:00:00Z"), ZoneOffset.UTC));

        assertThatThrownBy(() -> later.verify(token)).hasMessage("expired token");
    }

    @Test
    void shouldSignTheSameTokenAllDayValidToTheEndOfTheDayItsLifetimeEnds() {
        // Given tokens signed at two times of the same day
        LinkTokens evening = new LinkTokens(
                SECRET, Duration.ofDays(30), Clock.fixed(Instant.parse("2026-11-28T23:59:00Z"), ZoneOffset.UTC));
        String morning = tokens.signForTheDay("feedback", "ada@example.org", List.of("2501.00001"), 2);

        // Then they are the same, valid to the end of the 30th day, of their generation
        assertThat(evening.signForTheDay("feedback", "ada@example.org", List.of("2501.00001"), 2))
                .isEqualTo(morning);
        LinkTokens.Claims claims = tokens.verify(morning);
        assertThat(Instant.ofEpochSecond(claims.expiresEpochSecond())).isEqualTo(Instant.parse("2026-12-28T23:59:59Z"));
        assertThat(claims.generation()).isEqualTo(2);
        assertThat(tokens.signForTheDay("feedback", "ada@example.org", List.of("2501.00002"), 2))
                .isNotEqualTo(morning);
    }
}
