package io.paperalerts.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.paperalerts.testing.RealKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline benchmark's own correctness check, through the real broker, streams service,
 * notifier and SMTP: a run whose emails are wrong must fail, however fast it was.
 */
class PipelineBenchmarkTest {

    @RegisterExtension
    static final RealKafka kafka = new RealKafka();

    private static final int RATE = 100;
    private static final int WARM_SECONDS = 2;

    /**
     * Has the server lose the first measured pair and see the next measured one twice, as a
     * pipeline that dropped one email and sent another again would. Warm-up and marker emails are
     * noted as they are: the run must get as far as its check.
     */
    private static final class LoseOneRepeatOne implements CountingSmtpServer.Noting {
        private final AtomicInteger measured = new AtomicInteger();

        @Override
        public List<String> paperIds(String recipient, List<String> paperIds) {
            // latency10k sends its warm-up papers (RATE * WARM_SECONDS) first, then the measured ones.
            int firstMeasured = PipelineBenchmark.FIRST_PAPER_SEED + RATE * WARM_SECONDS;
            if (paperIds.isEmpty() || recipient.startsWith("marker") || seed(paperIds.get(0)) < firstMeasured) {
                return paperIds;
            }
            List<String> noted = new ArrayList<>(paperIds);
            switch (measured.incrementAndGet()) {
                case 1 -> noted.remove(0);
                case 2 -> noted.add(paperIds.get(0));
                default -> {}
            }
            return noted;
        }

        private static int seed(String paperId) {
            return Integer.parseInt(paperId.substring(paperId.lastIndexOf('-') + 1));
        }
    }

    @Test
    @Timeout(300)
    void shouldFailTheRunWhenAnEmailIsMissingAndAnotherDuplicated(@TempDir Path plots) throws Exception {
        // Given an SMTP server that loses one pair of the measured papers and sees another twice
        LoseOneRepeatOne faults = new LoseOneRepeatOne();
        List<String> failures;
        try (CountingSmtpServer smtp = CountingSmtpServer.start(faults)) {
            // When a short latency run goes through the whole pipeline
            failures = PipelineBenchmark.run(
                    new String[] {
                        "--bootstrap-servers=" + kafka.bootstrapServers(),
                        "runs=latency10k",
                        "seconds=3",
                        "jvmWarmSeconds=0",
                        "warmSeconds=" + WARM_SECONDS,
                        "emailTimeoutSeconds=8",
                        "out=" + plots
                    },
                    smtp);
        }

        // Then the run fails, for exactly the pair lost and the pair repeated: everything else was emailed once
        assertThat(faults.measured.get()).as("measured emails the server saw").isGreaterThan(2);
        assertThat(failures).hasSize(2);
        assertThat(failures.get(0))
                .matches("latency10k-\\w+: 1 of \\d+ expected \\(recipient, paper\\) pairs were "
                        + "neither emailed nor counted as omitted");
        assertThat(failures.get(1)).matches("latency10k-\\w+: 1 \\(recipient, paper\\) pairs were emailed twice");
    }
}
