package io.paperalerts.streams;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the topology did, for the service's metrics. Counted where it happens, so a task that
 * aborts its transaction and processes the records again counts them again: these are attempts,
 * exact when nothing fails.
 */
public final class TopologyCounters {

    /** Papers that matched at least one subscription for the first time; with shards, once per shard that matched. */
    public final LongAdder papersMatched = new LongAdder();
    /** Alerts written to {@code alerts}, one per (recipient, paper). */
    public final LongAdder alertsEmitted = new LongAdder();
    /** Digests written to {@code digests}, one per email. */
    public final LongAdder digestsEmitted = new LongAdder();
}
