package io.paperalerts.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void shouldRedrawABarWithRateAndTimeLeftOnATerminal() {
        StringWriter out = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(out), true);

        bar.update(25_000, 100_000, Duration.ofSeconds(5));
        bar.update(50_000, 100_000, Duration.ofSeconds(10));
        bar.finish();

        assertThat(out.toString())
                .startsWith("\r[#######.......................]  25% 25,000/100,000 papers, 5,000 papers/s, ETA 15s")
                .contains("\r[###############...............]  50% 50,000/100,000 papers, 5,000 papers/s, ETA 10s")
                .endsWith(System.lineSeparator());
    }

    @Test
    void shouldPrintAPlainLineEveryFewSecondsWhenNotOnATerminal() {
        StringWriter out = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(out), false);

        bar.update(1_000, 100_000, Duration.ofSeconds(1));
        bar.update(2_000, 100_000, Duration.ofSeconds(2));
        bar.update(7_000, 100_000, Duration.ofSeconds(7));
        bar.update(100_000, 100_000, Duration.ofSeconds(8));

        assertThat(out.toString().lines())
                .containsExactly(
                        "backfill: 1,000/100,000 papers, 1,000 papers/s, ETA 1m39s",
                        "backfill: 7,000/100,000 papers, 1,000 papers/s, ETA 1m33s",
                        "backfill: 100,000/100,000 papers, 12,500 papers/s, ETA 0s");
        assertThat(out.toString()).doesNotContain("\r");
    }
}
