package io.paperalerts.matching;

/**
 * The hashes of an index's keys (terms, or prefixes), as bits: a term whose hash has no bit set
 * is no key, so it needs no lookup. A paper's words are mostly not keys (queries are filed under
 * their rarest word), and a lookup in a table of tens of thousands of terms is a few cache misses,
 * where a bit in a table this small is not. A set bit may belong to another key's hash: that
 * costs a lookup, never a match. Keys that go away leave their bits until the next rebuild.
 */
final class KeyHashes {

    /** Bits per key: with one hash, about one in 16 lookups of a word that is no key passes anyway. */
    private static final int BITS_PER_KEY = 16;

    private static final int MIN_BITS = 1 << 12;

    private long[] words;
    private int shift;
    private int keys;

    KeyHashes() {
        this(0);
    }

    /** @param expected how many keys are about to be added */
    KeyHashes(int expected) {
        int bits = MIN_BITS;
        while (bits < (long) expected * BITS_PER_KEY && bits < (1 << 30)) {
            bits <<= 1;
        }
        words = new long[bits >>> 6];
        shift = 32 - Integer.numberOfTrailingZeros(bits);
    }

    /** @return whether the table is now too full to turn most words away: time to rebuild it bigger */
    boolean add(int hash) {
        int bit = bit(hash);
        words[bit >>> 6] |= 1L << bit;
        keys++;
        return (long) keys * BITS_PER_KEY > 2L * words.length * 64;
    }

    boolean mayContain(int hash) {
        int bit = bit(hash);
        return (words[bit >>> 6] & (1L << bit)) != 0;
    }

    int keys() {
        return keys;
    }

    /** The top bits of the product with the golden ratio: String hashes of similar words differ in their low bits. */
    private int bit(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }
}
