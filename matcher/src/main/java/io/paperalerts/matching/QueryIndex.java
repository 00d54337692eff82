package io.paperalerts.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The percolator: compiled queries filed under their rarest required terms, so a paper is only
 * verified against the queries that could match it. A query is filed under one anchor when it
 * needs some term (its cheapest required conjunct), and under several for an OR (any of them).
 * An anchor is a term of a field group ({@code text} holds title and abstract) or, for a trailing
 * wildcard, its prefix. Adding or removing a query touches only its own postings.
 *
 * <p>Every prefix of a filed query's wildcards is a key, whether it anchors the query or not, so
 * that looking up a paper's terms also tells which wildcards of the queries some term starts
 * with: verifying them is then a bit test (see {@link AnalyzedPaper#hasPrefix}), not a search of
 * the paper's sorted terms. What the index holds for a term (its postings and the prefix keys it
 * starts with) is kept per term between papers, as a paper's terms are mostly ones seen before.
 */
public final class QueryIndex {

    static final int TEXT = 0;
    static final int AUTHOR = 1;
    static final int CATEGORY = 2;
    static final String[] GROUP_FIELDS = {PaperAnalyzer.TEXT, PaperAnalyzer.AUTHOR, PaperAnalyzer.CATEGORY};

    /** A term, or a prefix of terms, in a field group. */
    record Anchor(int group, boolean prefix, String text) {}

    private final QueryAnchors anchors;
    private final List<Map<String, List<FiledQuery>>> terms =
            List.of(new HashMap<>(), new HashMap<>(), new HashMap<>());
    private final PrefixPostings[] prefixes = {new PrefixPostings(), new PrefixPostings(), new PrefixPostings()};
    /** Per group, the hashes of its term keys and of its prefix keys: which of a paper's terms are worth a lookup. */
    private final KeyHashes[] termHashes = {new KeyHashes(), new KeyHashes(), new KeyHashes()};

    private final KeyHashes[] prefixHashes = {new KeyHashes(), new KeyHashes(), new KeyHashes()};
    private final Map<String, FiledQuery> byId = new HashMap<>();
    /**
     * Queries without a word, filed under the upvote count they need (see
     * {@link QueryCompiler#requiredUpvotes}): a paper with N upvotes is checked against those
     * needing at most N. Few queries, and only papers with an upvote count, reach them.
     */
    private final TreeMap<Integer, List<FiledQuery>> byUpvotes = new TreeMap<>();
    /** One String per distinct term and one Anchor per distinct anchor across all queries. */
    private final QueryVocabulary vocabulary = new QueryVocabulary();
    /**
     * Per group, per term of papers seen: its {@link TermPlan}. Replaced (under the write lock)
     * whenever a key is added or dropped; read under the read lock.
     */
    private List<Map<String, TermPlan>> plans = newPlans();

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** At most this many terms' plans per group; a full group starts over, and its frequent terms come back first. */
    static final int MAX_PLANS = 200_000;

    /**
     * What a paper's term reaches in the index: the queries filed under it, and the slots of
     * the prefix keys it starts with (the lists in them are those of {@link PrefixPostings}, so
     * queries added under existing keys are seen without a new plan).
     */
    private record TermPlan(List<FiledQuery> postings, int[] prefixSlots) {}

    private static final int[] NO_SLOTS = {};

    public QueryIndex(TermStatistics statistics) {
        this.anchors = new QueryAnchors(statistics);
    }

    public void put(String id, Node root) {
        List<Anchor> rarest = anchors.of(root);
        if (rarest == null && QueryCompiler.requiredUpvotes(root) == null) {
            throw new InvalidQueryException("query has no word that must appear");
        }
        lock.writeLock().lock();
        try {
            removeLocked(id);
            file(id, vocabulary.intern(root), rarest);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** @param anchors {@code null} for a query without a word, filed under its upvote threshold */
    private void file(String id, Node root, List<Anchor> anchors) {
        if (anchors != null) {
            fileAnchored(id, root, anchors);
            return;
        }
        FiledQuery entry = new FiledQuery(id, root, new Anchor[0]);
        byId.put(id, entry);
        byUpvotes
                .computeIfAbsent(QueryCompiler.requiredUpvotes(root), n -> new ArrayList<>(1))
                .add(entry);
    }

    private void fileAnchored(String id, Node root, List<Anchor> anchors) {
        Anchor[] shared = new Anchor[anchors.size()];
        for (int i = 0; i < shared.length; i++) {
            Anchor anchor = anchors.get(i);
            shared[i] = vocabulary.intern(anchor);
        }
        FiledQuery entry = new FiledQuery(id, root, shared);
        byId.put(id, entry);
        boolean newKey = false;
        for (Anchor anchor : shared) {
            if (anchor.prefix()) {
                newKey |= addPrefix(anchor.group(), anchor.text(), entry);
            } else {
                List<FiledQuery> postings = terms.get(anchor.group()).get(anchor.text());
                if (postings == null) {
                    postings = new ArrayList<>(1);
                    terms.get(anchor.group()).put(anchor.text(), postings);
                    newKey = true;
                    if (termHashes[anchor.group()].add(anchor.text().hashCode())) {
                        termHashes[anchor.group()] =
                                hashesOf(terms.get(anchor.group()).keySet());
                    }
                }
                postings.add(entry);
            }
        }
        newKey |= fileWildcards(root);
        if (newKey) {
            clearPlans();
        }
    }

    /** Makes each wildcard of a group field a prefix key, so that matching marks it; @return whether one is new. */
    private boolean fileWildcards(Node node) {
        if (node instanceof Node.Prefix prefix && isGroupField(prefix.field())) {
            return addPrefix(QueryAnchors.group(prefix.field()), prefix.prefix(), null);
        }
        boolean added = false;
        if (node instanceof Node.Bool bool) {
            for (List<Node> clauses : List.of(bool.must(), bool.should(), bool.mustNot())) {
                for (Node child : clauses) {
                    added |= fileWildcards(child);
                }
            }
        }
        return added;
    }

    /** Files the entry ({@code null}: none) under the prefix; @return whether the prefix is a new key. */
    private boolean addPrefix(int group, String prefix, FiledQuery entry) {
        boolean created = prefixes[group].add(prefix, entry);
        if (created && prefixHashes[group].add(prefix.hashCode())) {
            List<String> keys = new ArrayList<>();
            prefixes[group].forEachKey(keys::add);
            prefixHashes[group] = hashesOf(keys);
        }
        return created;
    }

    private static KeyHashes hashesOf(Collection<String> keys) {
        KeyHashes hashes = new KeyHashes(2 * keys.size());
        keys.forEach(key -> hashes.add(key.hashCode()));
        return hashes;
    }

    static boolean isGroupField(String field) {
        return field.equals(PaperAnalyzer.TEXT)
                || field.equals(PaperAnalyzer.AUTHOR)
                || field.equals(PaperAnalyzer.CATEGORY);
    }

    /** New maps rather than clear(): a map keeps its grown table, which re-filing every query would scan each time. */
    private void clearPlans() {
        if (plans.stream().anyMatch(known -> !known.isEmpty())) {
            plans = newPlans();
        }
    }

    private static List<Map<String, TermPlan>> newPlans() {
        return List.of(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
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
        FiledQuery old = byId.remove(id);
        if (old == null) {
            return;
        }
        Integer threshold = old.anchors().length == 0 ? QueryCompiler.requiredUpvotes(old.root()) : null;
        if (threshold != null) {
            List<FiledQuery> filed = byUpvotes.get(threshold);
            if (filed != null && filed.remove(old) && filed.isEmpty()) {
                byUpvotes.remove(threshold);
            }
        }
        for (Anchor anchor : old.anchors()) {
            if (anchor.prefix()) {
                prefixes[anchor.group()].remove(anchor.text(), old);
                continue;
            }
            Map<String, List<FiledQuery>> postings = terms.get(anchor.group());
            List<FiledQuery> list = postings.get(anchor.text());
            list.remove(old);
            if (list.isEmpty()) {
                postings.remove(anchor.text());
                clearPlans();
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

    /** Files every query again under the anchors that are rarest by today's statistics. */
    public void reanchor() {
        lock.writeLock().lock();
        try {
            List<FiledQuery> all = new ArrayList<>(byId.values());
            for (Map<String, List<FiledQuery>> map : terms) {
                map.clear();
            }
            for (PrefixPostings postings : prefixes) {
                postings.clear();
            }
            for (int group = 0; group < GROUP_FIELDS.length; group++) {
                termHashes[group] = new KeyHashes(termHashes[group].keys());
                prefixHashes[group] = new KeyHashes(prefixHashes[group].keys());
            }
            clearPlans();
            byId.clear();
            byUpvotes.clear();
            for (FiledQuery entry : all) {
                file(entry.id(), entry.root(), anchors.of(entry.root()));
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The queries that match the paper. */
    public List<FiledQuery> match(AnalyzedPaper paper) {
        List<FiledQuery> matches = new ArrayList<>();
        lock.readLock().lock();
        try {
            Set<FiledQuery> seen = null;
            for (List<FiledQuery> list : candidates(paper)) {
                seen = verify(list, paper, matches, seen);
            }
            Integer upvotes = paper.paper().getUpvotes();
            if (upvotes != null && !byUpvotes.isEmpty()) {
                for (List<FiledQuery> list : byUpvotes.headMap(upvotes, true).values()) {
                    seen = verify(list, paper, matches, seen);
                }
            }
        } finally {
            paper.markPrefixes(null, null);
            lock.readLock().unlock();
        }
        return matches;
    }

    /**
     * How many queries the paper reaches through its terms, each time it reaches one (a query
     * filed under several of its terms counts for each): what the presearch leaves to verify.
     */
    public int candidateCount(AnalyzedPaper paper) {
        lock.readLock().lock();
        try {
            return candidates(paper).stream().mapToInt(List::size).sum();
        } finally {
            paper.markPrefixes(null, null);
            lock.readLock().unlock();
        }
    }

    /**
     * The postings the paper's terms reach, and its wildcards marked (verifying needs both; the
     * caller clears the marks). Under the read lock.
     */
    private List<List<FiledQuery>> candidates(AnalyzedPaper paper) {
        List<List<FiledQuery>> candidates = new ArrayList<>();
        BitSet[] marked = new BitSet[GROUP_FIELDS.length];
        for (int group = 0; group < GROUP_FIELDS.length; group++) {
            PrefixPostings prefixPostings = prefixes[group];
            BitSet visited = prefixPostings.isEmpty() ? null : new BitSet(prefixPostings.capacity());
            marked[group] = visited;
            KeyHashes termKeys = termHashes[group];
            KeyHashes prefixKeys = prefixHashes[group];
            List<String> distinct = paper.distinctTerms(group);
            for (int i = 0, n = distinct.size(); i < n; i++) {
                String term = distinct.get(i);
                if (!termKeys.mayContain(term.hashCode()) && !mayStartWithKey(term, prefixPostings, prefixKeys)) {
                    continue;
                }
                TermPlan plan = plan(group, term);
                if (plan.postings() != null) {
                    candidates.add(plan.postings());
                }
                for (int slot : plan.prefixSlots()) {
                    if (!visited.get(slot)) {
                        visited.set(slot);
                        candidates.add(prefixPostings.at(slot));
                    }
                }
            }
        }
        // Verified once every term is looked up: only then do the marks answer every wildcard.
        paper.markPrefixes(prefixes, marked);
        return candidates;
    }

    /** Whether some prefix of the term may be a prefix key: its hash is computed as it grows, as String's would be. */
    private static boolean mayStartWithKey(String term, PrefixPostings postings, KeyHashes hashes) {
        int longest = Math.min(postings.longest(), term.length());
        int hash = 0;
        for (int n = 1; n <= longest; n++) {
            hash = 31 * hash + term.charAt(n - 1);
            if (n >= QueryCompiler.MIN_PREFIX && postings.hasLength(n) && hashes.mayContain(hash)) {
                return true;
            }
        }
        return false;
    }

    private TermPlan plan(int group, String term) {
        Map<String, TermPlan> known = plans.get(group);
        TermPlan plan = known.get(term);
        if (plan != null) {
            return plan;
        }
        PrefixPostings prefixPostings = prefixes[group];
        int[] slots = NO_SLOTS;
        int longest = Math.min(prefixPostings.longest(), term.length());
        int hash = 0;
        for (int n = 1; n <= longest; n++) {
            hash = 31 * hash + term.charAt(n - 1);
            int slot = n >= QueryCompiler.MIN_PREFIX && prefixPostings.hasLength(n)
                    ? prefixPostings.find(term, n, hash)
                    : -1;
            if (slot >= 0) {
                slots = Arrays.copyOf(slots, slots.length + 1);
                slots[slots.length - 1] = slot;
            }
        }
        plan = new TermPlan(terms.get(group).get(term), slots);
        if (known.size() >= MAX_PLANS) {
            known.clear();
        }
        known.put(term, plan);
        return plan;
    }

    private static Set<FiledQuery> verify(
            List<FiledQuery> candidates, AnalyzedPaper paper, List<FiledQuery> matches, Set<FiledQuery> seen) {
        for (FiledQuery entry : candidates) {
            if (entry.several) {
                if (seen == null) {
                    seen = new HashSet<>();
                }
                if (!seen.add(entry)) {
                    continue;
                }
            }
            if (entry.exact || entry.root().matches(paper)) {
                matches.add(entry);
            }
        }
        return seen;
    }
}
