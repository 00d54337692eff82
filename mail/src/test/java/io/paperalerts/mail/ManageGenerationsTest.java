package io.paperalerts.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paperalerts.testing.RealKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The manage-link generations through a real broker: a follower that dies is seen, and comes back. */
@Timeout(90)
class ManageGenerationsTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    private static final AddressHash HASH =
            new AddressHash("a manage generations test secret!".getBytes(StandardCharsets.UTF_8));

    @Test
    void shouldBeNotReadyWhileItsFollowerIsDeadAndKnowEveryRevocationAgainAfterItsRestart() {
        // Given an address that revoked its manage links once
        try (ManageGenerations generations = ManageGenerations.follow(kafka.clients(), HASH)) {
            long revoked = generations.revoke("ada@example.org");
            assertThat(generations.current("ada@example.org"))
                    .isEqualTo(revoked)
                    .isPositive();
            assertThat(generations.health().ready().ok()).isTrue();

            // When the follower's thread is killed (interrupted inside its consumer's poll)
            Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("manage-generations"))
                    .forEach(Thread::interrupt);

            // Then it is not ready within 5 s: the generations are unknown, no link may be signed
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !generations.health().ready().ok());
            // And once restarted and caught up, it is ready and still knows the revocation
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> generations.health().ready().ok());
            assertThat(generations.current("ada@example.org")).isEqualTo(revoked);
            assertThat(generations.gaveUp()).isNotDone();
        }
    }
}
