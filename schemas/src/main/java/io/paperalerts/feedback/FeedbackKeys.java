package io.paperalerts.feedback;

import io.paperalerts.topics.Topics;

/**
 * Keys of {@code feedback} and of the store built from it: {@code recipient NUL paper-id}, so
 * compaction keeps one opinion per (reader, paper) and a prefix scan finds one reader's. Addresses
 * never contain NUL (registration refuses control characters), so the first one ends the reader.
 */
public final class FeedbackKeys {

    private static final char SEP = '\u0000';

    private FeedbackKeys() {}

    public static String key(String recipient, String paperId) {
        return prefix(recipient) + paperId;
    }

    /** Every opinion of one reader starts with this. */
    public static String prefix(String recipient) {
        return recipient + SEP;
    }

    /**
     * The key of a reader's end: a tombstone under it, written when the reader asks to be
     * forgotten, erases every opinion before it on the reader's partition.
     */
    public static String end(String recipient) {
        return prefix(recipient);
    }

    /** Whether a key is a reader's {@link #end}: it names a reader and no paper. */
    public static boolean isEnd(String key) {
        return key.length() > 1 && key.indexOf(SEP) == key.length() - 1;
    }

    /** The reader a key belongs to; the whole key if it has no separator (not written by us). */
    public static String recipient(String key) {
        int sep = key.indexOf(SEP);
        return sep < 0 ? key : key.substring(0, sep);
    }

    /**
     * The partition of {@code feedback} for a reader: that of its alerts, whose task holds its
     * digests (the default partitioner would hash the whole key, paper included).
     */
    public static int partition(String recipient) {
        return Topics.ALERTS.partitionOf(recipient);
    }
}
