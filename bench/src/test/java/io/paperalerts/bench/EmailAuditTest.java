package io.paperalerts.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailAuditTest {

    private static final String RUN = "latency10k-abc";
    private static final String ANN = "r1@" + RUN + ".bench";
    private static final String BOB = "r2@" + RUN + ".bench";
    /** Two papers: p1 to Ann and Bob, p2 to Bob. */
    private static final Map<String, List<String>> EXPECTED = Map.of("p1", List.of(ANN, BOB), "p2", List.of(BOB));

    private static Map<String, Long> arrived(String... pairs) {
        Map<String, Long> arrivals = new HashMap<>();
        for (String pair : pairs) {
            arrivals.put(pair, 1L);
        }
        return arrivals;
    }

    @Test
    void shouldPassWhenEveryExpectedPairWasEmailedOnce() {
        EmailAudit audit = EmailAudit.of(
                RUN,
                EXPECTED,
                Map.of(),
                0,
                arrived(ANN + "|p1", BOB + "|p1", BOB + "|p2", "marker1@" + RUN + ".bench|" + RUN + "-marker-1"),
                List.of());

        assertThat(audit.failures()).isEmpty();
        assertThat(audit.expected()).isEqualTo(3);
    }

    @Test
    void shouldFailWhenAnExpectedPairWasNotEmailed() {
        EmailAudit audit = EmailAudit.of(RUN, EXPECTED, Map.of(), 0, arrived(ANN + "|p1", BOB + "|p2"), List.of());

        assertThat(audit.failures())
                .containsExactly(
                        RUN + ": 1 of 3 expected (recipient, paper) pairs were neither emailed nor counted as omitted");
    }

    @Test
    void shouldFailWhenAPairWasEmailedTwice() {
        EmailAudit audit = EmailAudit.of(
                RUN, EXPECTED, Map.of(), 0, arrived(ANN + "|p1", BOB + "|p1", BOB + "|p2"), List.of(BOB + "|p2"));

        assertThat(audit.failures()).containsExactly(RUN + ": 1 (recipient, paper) pairs were emailed twice");
    }

    @Test
    void shouldFailWhenAPairNobodySubscribedToWasEmailed() {
        EmailAudit audit = EmailAudit.of(
                RUN, EXPECTED, Map.of(), 0, arrived(ANN + "|p1", BOB + "|p1", BOB + "|p2", ANN + "|p2"), List.of());

        assertThat(audit.failures())
                .containsExactly(RUN + ": 1 (recipient, paper) pairs were emailed that do not match");
    }

    @Test
    void shouldAcceptPairsCountedInADigestOverItsSizeLimitAndPairsOfTheWarmUp() {
        Map<String, List<String>> warmUp = Map.of("w1", List.of(ANN));

        EmailAudit audit =
                EmailAudit.of(RUN, EXPECTED, warmUp, 1, arrived(ANN + "|p1", BOB + "|p1", ANN + "|w1"), List.of());

        assertThat(audit.failures()).isEmpty();
        assertThat(audit.expected()).isEqualTo(2);
    }

    @Test
    void shouldIgnoreTheEmailsOfAnotherRunOnTheSameServer() {
        String other = "r1@burst-xyz.bench";

        EmailAudit audit = EmailAudit.of(
                RUN,
                EXPECTED,
                Map.of(),
                0,
                arrived(ANN + "|p1", BOB + "|p1", BOB + "|p2", other + "|q9"),
                List.of(other + "|q9"));

        assertThat(audit.failures()).isEmpty();
    }
}
