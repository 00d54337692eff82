package io.paperalerts.streams.archive;

import java.time.Duration;

/**
 * How long the archive keeps matches: every match younger than {@code retention}, and at least
 * the newest {@code minEntries} of each subscription whatever their age.
 */
public record ArchivePolicy(int minEntries, Duration retention) {

    public ArchivePolicy {
        if (minEntries < 0 || retention.isNegative()) {
            throw new IllegalArgumentException("minEntries and retention must not be negative");
        }
    }

    public static ArchivePolicy defaults() {
        return new ArchivePolicy(1_000, Duration.ofDays(90));
    }
}
