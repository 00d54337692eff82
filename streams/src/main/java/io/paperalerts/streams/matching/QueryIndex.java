package io.paperalerts.streams.matching;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The percolator: compiled queries filed under their rarest required terms, so a paper is only
 * verified against the queries that could match it. A query is filed under one key when it needs
 * some term (its cheapest required conjunct), and under several for an OR (any of them). Keys
 * are the term in a field group ({@code text} covers title and abstract, whose terms it holds) or,
 * for a trailing wildcard, the first {@link #KEY_PREFIX} letters of its prefix.
 * Adding or removing a query touches only its own postings.
 */
public final class QueryIndex {

    private static final char TERM = '\u0001';
    private static final char PREFIX = '\u0002';
    /** Wildcards are filed under up to this many leading letters; a paper holds all its terms' prefixes up to it. */
    static final int KEY_PREFIX = 4;

    /** One filed query. */
    public record Entry(String id, Node root, String[] anchors) {
    }

    private final TermStatistics statistics;
    private final Map<String, List<Entry>> postings = new HashMap<>();
    private final Map<String, Entry> byId = new HashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    public QueryIndex(TermStatistics statistics) {
        this.statistics = statistics;
    }

    public void put(String id, Node root) {
        lock.writeLock().lock();
        try {
            removeLocked(id);
            List<String> anchors = anchors(root);
            if (anchors == null) {
                throw new InvalidQueryException("query has no word that must appear");
            }
            Entry entry = new Entry(id, root, anchors.toArray(new String[0]));
            byId.put(id, entry);
            for (String key : entry.anchors()) {
                postings.computeIfAbsent(key, k -> new ArrayList<>(2)).add(entry);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void remove(String id) {
        lock.writeLock().lock();
        try {
            removeLocked(id);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void removeLocked(String id) {
        Entry old = byId.remove(id);
        if (old == null) {
            return;
        }
        for (String key : old.anchors()) {
            List<Entry> list = postings.get(key);
            list.remove(old);
            if (list.isEmpty()) {
                postings.remove(key);
            }
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return byId.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Files every query again under the keys that are rarest by today's statistics. */
    public void reanchor() {
        lock.writeLock().lock();
        try {
            List<Entry> all = new ArrayList<>(byId.values());
            postings.clear();
            byId.clear();
            for (Entry entry : all) {
                Entry fresh = new Entry(entry.id(), entry.root(), anchors(entry.root()).toArray(new String[0]));
                byId.put(fresh.id(), fresh);
                for (String key : fresh.anchors()) {
                    postings.computeIfAbsent(key, k -> new ArrayList<>(2)).add(fresh);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The queries that match the paper. */
    public List<Entry> match(AnalyzedPaper paper) {
        List<Entry> matches = new ArrayList<>();
        Set<Entry> seen = null;
        lock.readLock().lock();
        try {
            for (String key : keys(paper)) {
                List<Entry> candidates = postings.get(key);
                if (candidates == null) {
                    continue;
                }
                for (Entry entry : candidates) {
                    if (entry.anchors().length > 1) {
                        if (seen == null) {
                            seen = new HashSet<>();
                        }
                        if (!seen.add(entry)) {
                            continue;
                        }
                    }
                    if (entry.root().matches(paper)) {
                        matches.add(entry);
                    }
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return matches;
    }

    /** Every index key the paper holds. */
    public static Set<String> keys(AnalyzedPaper paper) {
        Set<String> keys = new HashSet<>();
        addKeys(paper, PaperAnalyzer.TEXT, keys::add);
        addKeys(paper, PaperAnalyzer.AUTHOR, keys::add);
        addKeys(paper, PaperAnalyzer.CATEGORY, keys::add);
        return keys;
    }

    private static void addKeys(AnalyzedPaper paper, String field, Consumer<String> sink) {
        for (String term : paper.terms(field).keySet()) {
            sink.accept(termKey(field, term));
            for (int length = QueryCompiler.MIN_PREFIX; length <= Math.min(KEY_PREFIX, term.length()); length++) {
                sink.accept(group(field) + String.valueOf(PREFIX) + term.substring(0, length));
            }
        }
    }

    static boolean isPrefixKey(String key) {
        return key.length() > 1 && key.charAt(1) == PREFIX;
    }

    private static char group(String field) {
        return switch (field) {
            case PaperAnalyzer.AUTHOR -> 'a';
            case PaperAnalyzer.CATEGORY -> 'c';
            default -> 't';
        };
    }

    static String termKey(String field, String term) {
        return group(field) + String.valueOf(TERM) + term;
    }

    static String prefixKey(String field, String prefix) {
        return group(field) + String.valueOf(PREFIX) + prefix.substring(0, Math.min(KEY_PREFIX, prefix.length()));
    }

    /**
     * Keys such that any paper the query matches holds at least one of them; empty for a query
     * that can match nothing; {@code null} if there are none (never for an accepted query).
     */
    List<String> anchors(Node node) {
        if (node instanceof Node.Term term) {
            return List.of(termKey(term.field(), term.term()));
        }
        if (node instanceof Node.Phrase phrase) {
            String best = null;
            for (String term : phrase.terms()) {
                String key = termKey(phrase.field(), term);
                if (best == null || statistics.cost(key) < statistics.cost(best)) {
                    best = key;
                }
            }
            return List.of(best);
        }
        if (node instanceof Node.Prefix prefix) {
            return List.of(prefixKey(prefix.field(), prefix.prefix()));
        }
        if (node instanceof Node.Bool bool) {
            if (bool.must().isEmpty() && bool.should().isEmpty()) {
                return List.of();
            }
            if (!bool.must().isEmpty()) {
                List<String> best = null;
                double bestCost = Double.MAX_VALUE;
                for (Node child : bool.must()) {
                    List<String> keys = anchors(child);
                    if (keys == null) {
                        continue;
                    }
                    double cost = keys.stream().mapToDouble(statistics::cost).sum();
                    if (cost < bestCost) {
                        best = keys;
                        bestCost = cost;
                    }
                }
                return best;
            }
            List<String> any = new ArrayList<>();
            for (Node child : bool.should()) {
                List<String> keys = anchors(child);
                if (keys == null) {
                    return null;
                }
                any.addAll(keys);
            }
            return any.stream().distinct().toList();
        }
        return List.of();
    }
}
