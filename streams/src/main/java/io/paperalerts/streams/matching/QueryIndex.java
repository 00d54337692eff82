package io.paperalerts.streams.matching;

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
    record Anchor(int group, boolean prefix, String text) {
    }

    /** One filed query. Identity equality: candidates are de-duplicated by identity, cheaply. */
    public static final class Entry {
        private final String id;
        private final Node root;
        private final Anchor[] anchors;
        /** The query is its single anchor, so any paper reaching it through the anchor matches. */
        private final boolean exact;
        /** Filed under several anchors, which one paper may all hold (kept here: the array is another cache miss). */
        private final boolean several;

        Entry(String id, Node root, Anchor[] anchors) {
            this.id = id;
            this.root = root;
            this.anchors = anchors;
            this.exact = anchors.length == 1 && isAnchor(root, anchors[0]);
            this.several = anchors.length > 1;
        }

        private static boolean isAnchor(Node root, Anchor anchor) {
            if (root instanceof Node.Term term) {
                return !anchor.prefix() && isGroupField(term.field()) && term.term().equals(anchor.text());
            }
            return root instanceof Node.Prefix prefix && anchor.prefix() && isGroupField(prefix.field())
                    && prefix.prefix().equals(anchor.text());
        }

        public String id() {
            return id;
        }

        public Node root() {
            return root;
        }

        Anchor[] anchors() {
            return anchors;
        }
    }

    private final TermStatistics statistics;
    private final List<Map<String, List<Entry>>> terms = List.of(new HashMap<>(), new HashMap<>(), new HashMap<>());
    private final PrefixPostings[] prefixes = {new PrefixPostings(), new PrefixPostings(), new PrefixPostings()};
    /** Per group, the hashes of its term keys and of its prefix keys: which of a paper's terms are worth a lookup. */
    private final KeyHashes[] termHashes = {new KeyHashes(), new KeyHashes(), new KeyHashes()};
    private final KeyHashes[] prefixHashes = {new KeyHashes(), new KeyHashes(), new KeyHashes()};
    private final Map<String, Entry> byId = new HashMap<>();
    /**
     * Queries without a word, filed under the upvote count they need (see
     * {@link QueryCompiler#requiredUpvotes}): a paper with N upvotes is checked against those
     * needing at most N. Few queries, and only papers with an upvote count, reach them.
     */
    private final TreeMap<Integer, List<Entry>> byUpvotes = new TreeMap<>();
    /** One String per distinct term and one Anchor per distinct anchor across all queries. */
    private final Map<String, String> vocabulary = new HashMap<>();
    private final Map<Anchor, Anchor> anchorVocabulary = new HashMap<>();
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
    private record TermPlan(List<Entry> postings, int[] prefixSlots) {
    }

    private static final int[] NO_SLOTS = {};

    public QueryIndex(TermStatistics statistics) {
        this.statistics = statistics;
    }

    public void put(String id, Node root) {
        List<Anchor> anchors = anchors(root);
        if (anchors == null && QueryCompiler.requiredUpvotes(root) == null) {
            throw new InvalidQueryException("query has no word that must appear");
        }
        lock.writeLock().lock();
        try {
            removeLocked(id);
            file(id, intern(root), anchors);
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
        Entry entry = new Entry(id, root, new Anchor[0]);
        byId.put(id, entry);
        byUpvotes.computeIfAbsent(QueryCompiler.requiredUpvotes(root), n -> new ArrayList<>(1)).add(entry);
    }

    private void fileAnchored(String id, Node root, List<Anchor> anchors) {
        Anchor[] shared = new Anchor[anchors.size()];
        for (int i = 0; i < shared.length; i++) {
            Anchor anchor = anchors.get(i);
            shared[i] = anchorVocabulary.computeIfAbsent(
                    new Anchor(anchor.group(), anchor.prefix(), intern(anchor.text())), a -> a);
        }
        Entry entry = new Entry(id, root, shared);
        byId.put(id, entry);
        boolean newKey = false;
        for (Anchor anchor : shared) {
            if (anchor.prefix()) {
                newKey |= addPrefix(anchor.group(), anchor.text(), entry);
            } else {
                List<Entry> postings = terms.get(anchor.group()).get(anchor.text());
                if (postings == null) {
                    postings = new ArrayList<>(1);
                    terms.get(anchor.group()).put(anchor.text(), postings);
                    newKey = true;
                    if (termHashes[anchor.group()].add(anchor.text().hashCode())) {
                        termHashes[anchor.group()] = hashesOf(terms.get(anchor.group()).keySet());
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
            return addPrefix(group(prefix.field()), prefix.prefix(), null);
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
    private boolean addPrefix(int group, String prefix, Entry entry) {
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

    private static boolean isGroupField(String field) {
        return field.equals(PaperAnalyzer.TEXT) || field.equals(PaperAnalyzer.AUTHOR)
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

    private String intern(String text) {
        return vocabulary.computeIfAbsent(text, k -> k);
    }

    /** The same query with its strings shared with every other query's: a million queries share a vocabulary. */
    private Node intern(Node node) {
        if (node instanceof Node.Term term) {
            return new Node.Term(intern(term.field()), intern(term.term()));
        }
        if (node instanceof Node.Prefix prefix) {
            return new Node.Prefix(intern(prefix.field()), intern(prefix.prefix()));
        }
        if (node instanceof Node.Phrase phrase) {
            String[] texts = new String[phrase.terms().length];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = intern(phrase.terms()[i]);
            }
            return new Node.Phrase(intern(phrase.field()), texts, phrase.offsets());
        }
        if (node instanceof Node.Bool bool) {
            return new Node.Bool(internAll(bool.must()), internAll(bool.should()), internAll(bool.mustNot()),
                    bool.minShould());
        }
        return node;
    }

    private List<Node> internAll(List<Node> nodes) {
        return nodes.isEmpty() ? List.of() : nodes.stream().map(this::intern).toList();
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
        Integer threshold = old.anchors().length == 0 ? QueryCompiler.requiredUpvotes(old.root()) : null;
        if (threshold != null) {
            List<Entry> filed = byUpvotes.get(threshold);
            if (filed != null && filed.remove(old) && filed.isEmpty()) {
                byUpvotes.remove(threshold);
            }
        }
        for (Anchor anchor : old.anchors()) {
            if (anchor.prefix()) {
                prefixes[anchor.group()].remove(anchor.text(), old);
                continue;
            }
            Map<String, List<Entry>> postings = terms.get(anchor.group());
            List<Entry> list = postings.get(anchor.text());
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
            List<Entry> all = new ArrayList<>(byId.values());
            for (Map<String, List<Entry>> map : terms) {
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
            for (Entry entry : all) {
                file(entry.id(), entry.root(), anchors(entry.root()));
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The queries that match the paper. */
    public List<Entry> match(AnalyzedPaper paper) {
        List<Entry> matches = new ArrayList<>();
        List<List<Entry>> candidates = new ArrayList<>();
        BitSet[] marked = new BitSet[GROUP_FIELDS.length];
        lock.readLock().lock();
        try {
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
            Set<Entry> seen = null;
            for (List<Entry> list : candidates) {
                seen = verify(list, paper, matches, seen);
            }
            Integer upvotes = paper.paper().getUpvotes();
            if (upvotes != null && !byUpvotes.isEmpty()) {
                for (List<Entry> list : byUpvotes.headMap(upvotes, true).values()) {
                    seen = verify(list, paper, matches, seen);
                }
            }
        } finally {
            paper.markPrefixes(null, null);
            lock.readLock().unlock();
        }
        return matches;
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
                    ? prefixPostings.find(term, n, hash) : -1;
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

    private static Set<Entry> verify(List<Entry> candidates, AnalyzedPaper paper, List<Entry> matches, Set<Entry> seen) {
        for (Entry entry : candidates) {
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

    private static int group(String field) {
        return switch (field) {
            case PaperAnalyzer.AUTHOR -> AUTHOR;
            case PaperAnalyzer.CATEGORY -> CATEGORY;
            default -> TEXT;
        };
    }

    /**
     * Anchors such that any paper the query matches holds at least one of them; empty for a
     * query that can match nothing; {@code null} if there are none (never for an accepted query).
     */
    List<Anchor> anchors(Node node) {
        if (node instanceof Node.Term term) {
            return List.of(new Anchor(group(term.field()), false, term.term()));
        }
        if (node instanceof Node.Phrase phrase) {
            Anchor best = null;
            for (String term : phrase.terms()) {
                Anchor anchor = new Anchor(group(phrase.field()), false, term);
                if (best == null || statistics.cost(anchor) < statistics.cost(best)) {
                    best = anchor;
                }
            }
            return List.of(best);
        }
        if (node instanceof Node.Prefix prefix) {
            return List.of(new Anchor(group(prefix.field()), true, prefix.prefix()));
        }
        if (node instanceof Node.MinUpvotes) {
            // A number, not a term: the query is filed under its words.
            return null;
        }
        if (node instanceof Node.Bool bool) {
            if (bool.must().isEmpty() && bool.should().isEmpty()) {
                return List.of();
            }
            if (!bool.must().isEmpty()) {
                List<Anchor> best = null;
                double bestCost = Double.MAX_VALUE;
                for (Node child : bool.must()) {
                    List<Anchor> anchors = anchors(child);
                    if (anchors == null) {
                        continue;
                    }
                    double cost = anchors.stream().mapToDouble(statistics::cost).sum();
                    if (cost < bestCost) {
                        best = anchors;
                        bestCost = cost;
                    }
                }
                return best;
            }
            List<Anchor> any = new ArrayList<>();
            for (Node child : bool.should()) {
                List<Anchor> anchors = anchors(child);
                if (anchors == null) {
                    return null;
                }
                any.addAll(anchors);
            }
            return any.stream().distinct().toList();
        }
        return List.of();
    }
}
