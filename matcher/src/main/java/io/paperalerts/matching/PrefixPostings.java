package io.paperalerts.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Wildcard queries filed under their exact prefix, looked up for every prefix of a paper's terms
 * without building a String per prefix: the probe hashes the term's first characters the way
 * {@link String#hashCode()} would and compares in place; each slot keeps its key's hash, so a
 * probe passing other keys compares ints rather than reading their Strings (most probes are
 * misses). Open addressing; a prefix whose last query went away keeps its (empty) slot, since
 * prefixes are few. A slot changes only when a key is added.
 */
final class PrefixPostings {

    private String[] keys = new String[64];
    private int[] hashes = new int[64];
    /** Each slot a {@code List<FiledQuery>}; an Object array, as Java has no generic arrays. */
    private Object[] values = new Object[64];

    private int used;
    private int longest;
    /** Bit n set when some prefix of length n is filed: other lengths need no probe. */
    private long lengths;

    boolean isEmpty() {
        return used == 0;
    }

    /** The longest prefix ever filed: longer prefixes of a term need no probe. */
    int longest() {
        return longest;
    }

    /**
     * Files the entry under the prefix; {@code null} only makes the prefix a key.
     *
     * @return whether the prefix is a new key
     */
    boolean add(String prefix, FiledQuery entry) {
        int slot = slot(prefix, prefix.length(), prefix.hashCode());
        boolean created = keys[slot] == null;
        if (created) {
            // Only a new key may grow the table: callers rely on slots staying put otherwise.
            if (2 * (used + 1) > keys.length) {
                grow();
                slot = slot(prefix, prefix.length(), prefix.hashCode());
            }
            keys[slot] = prefix;
            hashes[slot] = prefix.hashCode();
            values[slot] = new ArrayList<FiledQuery>(1);
            used++;
            longest = Math.max(longest, prefix.length());
            lengths |= 1L << Math.min(prefix.length(), 63);
        }
        if (entry != null) {
            at(slot).add(entry);
        }
        return created;
    }

    void remove(String prefix, FiledQuery entry) {
        int slot = find(prefix, prefix.length(), prefix.hashCode());
        if (slot >= 0) {
            at(slot).remove(entry);
        }
    }

    /**
     * The slot of {@code term.substring(0, length)}, whose hash is {@code hash}, or -1 if no
     * query is filed under it. Terms of one paper share prefixes: callers visit each slot once.
     */
    int find(String term, int length, int hash) {
        int slot = slot(term, length, hash);
        return keys[slot] == null ? -1 : slot;
    }

    @SuppressWarnings("unchecked")
    List<FiledQuery> at(int slot) {
        return (List<FiledQuery>) values[slot];
    }

    boolean hasLength(int length) {
        return (lengths & (1L << Math.min(length, 63))) != 0;
    }

    int capacity() {
        return keys.length;
    }

    private int slot(String term, int length, int hash) {
        int mask = keys.length - 1;
        int slot = (hash ^ (hash >>> 16)) & mask;
        while (keys[slot] != null
                && !(hashes[slot] == hash && keys[slot].length() == length && term.startsWith(keys[slot]))) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        String[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new String[oldKeys.length * 2];
        hashes = new int[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int slot = slot(oldKeys[i], oldKeys[i].length(), oldKeys[i].hashCode());
                keys[slot] = oldKeys[i];
                hashes[slot] = oldKeys[i].hashCode();
                values[slot] = oldValues[i];
            }
        }
    }

    void forEachKey(Consumer<String> action) {
        for (String key : keys) {
            if (key != null) {
                action.accept(key);
            }
        }
    }

    void clear() {
        keys = new String[64];
        hashes = new int[64];
        values = new Object[64];
        used = 0;
        longest = 0;
        lengths = 0;
    }
}
