package io.paperalerts.streams.matching;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many of the papers seen so far contain each index key, to file a query under its rarest
 * required term. Until enough papers were seen, longer words count as rarer.
 */
public final class TermStatistics {

    static final int MIN_DOCS = 100;
    private static final int MAX_KEYS = 2_000_000;

    private final Map<String, Integer> documentFrequency = new ConcurrentHashMap<>();
    private final AtomicLong documents = new AtomicLong();

    public void observe(Iterable<String> keysOfOnePaper) {
        documents.incrementAndGet();
        for (String key : keysOfOnePaper) {
            // A bounded vocabulary: once full, new keys stay unknown, i.e. rare, which is their likely truth.
            if (documentFrequency.size() < MAX_KEYS || documentFrequency.containsKey(key)) {
                documentFrequency.merge(key, 1, Integer::sum);
            }
        }
    }

    public long documents() {
        return documents.get();
    }

    /** Estimated fraction of papers containing the key: lower is better to index under. */
    double cost(String key) {
        long docs = documents.get();
        if (docs < MIN_DOCS) {
            boolean prefix = QueryIndex.isPrefixKey(key);
            return prefix ? 1.0 : 1.0 / Math.max(1, key.length() - 2);
        }
        return (documentFrequency.getOrDefault(key, 0) + 0.5) / (docs + 1.0);
    }
}
