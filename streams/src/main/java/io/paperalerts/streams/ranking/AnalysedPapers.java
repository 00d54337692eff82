package io.paperalerts.streams.ranking;

import io.paperalerts.relevance.PaperTexts;
import io.paperalerts.relevance.TermCounts;
import io.paperalerts.schemas.Paper;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Papers' analysed terms (Lucene's English analyzer, {@link PaperTexts}), each paper analysed once
 * per task: analysing a text costs more than learning from it or scoring it (docs/benchmarks.md,
 * ranking), and the same papers come back, in a reader's next click and in the digests of every
 * reader they matched. The latest are kept in memory (~1 KB a paper, two arrays); with a {@link
 * Kept} store, every paper analysed is kept there too ({@link #STORE}, changelogged), so a reader's
 * first click after a restart or a moved task reads the terms of papers analysed before it rather
 * than analysing them again. Not thread-safe.
 */
public final class AnalysedPapers {

    /** Per paper ({@code id vN}): when it was analysed (epoch day), then its terms ascending and their counts. */
    public static final String STORE = "analysed-papers";

    /** How long a paper's terms stay in the store: past the archive's 90 days, which ranking looks at. */
    static final Duration KEPT = Duration.ofDays(120);

    /** Where analysed terms outlive the process: the task's {@link #STORE}, or a benchmark's own. */
    public interface Kept {
        byte[] get(String key);

        void put(String key, byte[] value);

        static Kept of(KeyValueStore<String, byte[]> store) {
            return new Kept() {
                @Override
                public byte[] get(String key) {
                    return store.get(key);
                }

                @Override
                public void put(String key, byte[] value) {
                    store.put(key, value);
                }
            };
        }
    }

    private final PaperTexts texts = new PaperTexts();
    private final int capacity;
    /** Null: memory only. */
    private final Kept kept;

    private final LongSupplier clock;

    /** Per paper (id and version), its terms ascending and their counts. */
    private final Map<String, TermCounts> latest;

    /** @param capacity how many papers' terms to keep in memory; 0 for none */
    public AnalysedPapers(int capacity) {
        this(capacity, null, System::currentTimeMillis);
    }

    /**
     * @param kept where every analysed paper's terms are kept besides
     * @param clock epoch millis, to date what is kept
     */
    public AnalysedPapers(int capacity, Kept kept, LongSupplier clock) {
        this.capacity = capacity;
        this.kept = kept;
        this.clock = clock;
        this.latest = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TermCounts> eldest) {
                return size() > AnalysedPapers.this.capacity;
            }
        };
    }

    /** Occurrences of each term in the paper's title and abstract. */
    public TermCounts counts(Paper paper) {
        String key = paper.getId() + " v" + paper.getVersion();
        TermCounts known = latest.get(key);
        if (known != null) {
            return known;
        }
        byte[] stored = kept == null ? null : kept.get(key);
        if (stored != null) {
            known = decode(stored);
        } else {
            known = texts.counts(paper);
            if (kept != null) {
                kept.put(key, encode(known, clock.getAsLong()));
            }
        }
        if (capacity > 0) {
            latest.put(key, known);
        }
        return known;
    }

    /** The paper's counts, never kept: for a paper made up here (a title alone), whose id is not its text's. */
    public TermCounts countsOnce(Paper paper) {
        return texts.counts(paper);
    }

    /** Removes the terms of papers analysed more than {@link #KEPT} before {@code now}. */
    public static void forgetOld(KeyValueStore<String, byte[]> store, long now) {
        long oldestDay = Math.floorDiv(now - KEPT.toMillis(), Duration.ofDays(1).toMillis());
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            it.forEachRemaining(entry -> {
                if (entry.value == null || ByteBuffer.wrap(entry.value).getInt() < oldestDay) {
                    old.add(entry.key);
                }
            });
        }
        old.forEach(key -> store.put(key, null));
    }

    static byte[] encode(TermCounts counts, long now) {
        ByteBuffer bytes = ByteBuffer.allocate(Integer.BYTES * (2 + 2 * counts.size()));
        bytes.putInt((int) Math.floorDiv(now, Duration.ofDays(1).toMillis()));
        bytes.putInt(counts.size());
        for (int i = 0; i < counts.size(); i++) {
            bytes.putInt(counts.term(i));
        }
        for (int i = 0; i < counts.size(); i++) {
            bytes.putInt(counts.count(i));
        }
        return bytes.array();
    }

    static TermCounts decode(byte[] stored) {
        ByteBuffer bytes = ByteBuffer.wrap(stored);
        bytes.getInt();
        int size = bytes.getInt();
        int[] terms = new int[size];
        int[] counts = new int[size];
        bytes.asIntBuffer().get(terms);
        bytes.position(bytes.position() + size * Integer.BYTES);
        bytes.asIntBuffer().get(counts);
        return TermCounts.of(terms, counts);
    }
}
