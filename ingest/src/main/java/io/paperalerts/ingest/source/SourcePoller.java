package io.paperalerts.ingest.source;

import io.paperalerts.ingest.IngestFailurePolicy;
import io.paperalerts.ingest.PaperPublisher;
import io.paperalerts.ingest.format.PaperEntry;
import io.paperalerts.kafka.KafkaProblem;
import io.paperalerts.schemas.Paper;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls sources and publishes each new paper once. Each source's checkpoint, the keys
 * ({@code id vN}) it published recently, lives in the compacted {@code ingest.checkpoints} topic,
 * so a restarted poller does not publish them again. A source that fails is reported and retried
 * at its next turn; the others are not affected.
 */
public final class SourcePoller {

    /** How many published keys a checkpoint remembers per source. */
    static final int CHECKPOINT_KEYS = 20_000;

    private static final Logger log = LoggerFactory.getLogger(SourcePoller.class);

    /** Counters of one source. */
    public static final class Metrics {
        public final AtomicLong fetched = new AtomicLong();
        public final AtomicLong published = new AtomicLong();
        public final AtomicLong duplicates = new AtomicLong();
        public final AtomicLong rejected = new AtomicLong();
        public final AtomicLong failures = new AtomicLong();
        public volatile Instant lastSuccess;
        /** Why the last poll failed; {@code null} after a success. */
        public volatile String lastFailure;

        @Override
        public String toString() {
            return "fetched " + fetched + ", published " + published + ", duplicates " + duplicates + ", rejected "
                    + rejected + ", failures " + failures + ", last success "
                    + (lastSuccess == null ? "never" : lastSuccess)
                    + (lastFailure == null ? "" : ", last failure: " + lastFailure);
        }
    }

    private final HttpFetcher http;
    private final PaperPublisher publisher;
    private final Map<String, LinkedHashSet<String>> checkpoints;
    private final Map<String, Metrics> metrics = new ConcurrentHashMap<>();

    /** @param checkpoints the checkpoints read back from Kafka: source name to newline-joined keys */
    public SourcePoller(HttpFetcher http, PaperPublisher publisher, Map<String, String> checkpoints) {
        this.http = http;
        this.publisher = publisher;
        this.checkpoints = new ConcurrentHashMap<>();
        checkpoints.forEach((source, keys) -> this.checkpoints.put(
                source,
                new LinkedHashSet<>(keys.lines().filter(k -> !k.isBlank()).toList())));
    }

    /**
     * What makes a paper new to this source: its id and version, and its upvote count where the
     * source has one, so a paper polled again with more upvotes is published again as an update.
     */
    static String key(Paper paper) {
        return paper.getId() + " v" + paper.getVersion()
                + (paper.getUpvotes() == null ? "" : " u" + paper.getUpvotes());
    }

    public Metrics metrics(String source) {
        return metrics.computeIfAbsent(source, s -> new Metrics());
    }

    /** @return whether the poll succeeded */
    public boolean poll(PaperSource source) {
        Metrics counters = metrics(source.name());
        LinkedHashSet<String> seen = checkpoints.computeIfAbsent(source.name(), s -> new LinkedHashSet<>());
        Set<String> fresh = new LinkedHashSet<>();
        PaperPublisher.Batch batch = publisher.batch();
        try {
            for (PaperSource.Fetched fetched : source.fetch(http, seen::contains)) {
                for (PaperEntry entry : fetched.entries()) {
                    if (entry instanceof PaperEntry.Parsed parsed) {
                        counters.fetched.incrementAndGet();
                        String key = key(parsed.paper());
                        if (seen.contains(key) || !fresh.add(key)) {
                            counters.duplicates.incrementAndGet();
                        } else {
                            batch.publish(parsed.paper());
                            counters.published.incrementAndGet();
                        }
                    } else if (entry instanceof PaperEntry.Rejected rejected) {
                        counters.rejected.incrementAndGet();
                        batch.reject(
                                source.name() + " " + fetched.url(),
                                rejected.position(),
                                rejected.reason(),
                                rejected.raw());
                    }
                }
            }
            // Papers first, then the checkpoint: a crash in between republishes, never loses.
            batch.await();
            LinkedHashSet<String> next = new LinkedHashSet<>(seen);
            next.addAll(fresh);
            while (next.size() > CHECKPOINT_KEYS) {
                next.remove(next.iterator().next());
            }
            PaperPublisher.Batch checkpoint = publisher.batch();
            checkpoint.checkpoint(source.name(), String.join("\n", next));
            checkpoint.await();
            // Only now: had the checkpoint failed, the next poll would still publish these papers,
            // and a restart would too (it reads the checkpoint topic).
            checkpoints.put(source.name(), next);
            counters.lastSuccess = Instant.now();
            counters.lastFailure = null;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            counters.failures.incrementAndGet();
            counters.lastFailure = e.getMessage();
            KafkaProblem refused = IngestFailurePolicy.stopsPolling(e);
            if (refused != null) {
                throw refused;
            }
            log.warn(
                    "Polling {} failed, will retry at its next turn in {} s: {}",
                    source.name(),
                    source.interval().toSeconds(),
                    e.getMessage());
            return false;
        }
    }
}
