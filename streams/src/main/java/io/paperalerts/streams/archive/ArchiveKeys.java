package io.paperalerts.streams.archive;

import io.paperalerts.schemas.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keys of the archive store: {@code recipient NUL subscription NUL inverted-date NUL paper}. The
 * recipient comes first because the store is partitioned like {@code alerts}, by recipient; within
 * one subscription the inverted date (hex, fixed width) makes a prefix scan return newest first.
 * Addresses and ids never contain NUL (registration refuses control characters).
 */
public final class ArchiveKeys {

    private static final char SEP = '\u0000';

    private ArchiveKeys() {}

    /** Every entry of one recipient, of all its subscriptions, starts with this. */
    public static String prefix(String recipient) {
        return recipient + SEP;
    }

    /** Every entry of one subscription starts with this. */
    public static String prefix(String recipient, String subscriptionId) {
        return recipient + SEP + subscriptionId + SEP;
    }

    public static String key(String recipient, String subscriptionId, Instant date, String paperId) {
        return prefix(recipient, subscriptionId)
                + String.format("%016x", Long.MAX_VALUE - date.toEpochMilli())
                + SEP
                + paperId;
    }

    /** Removes every entry of a recipient, of all its subscriptions. @return how many */
    public static int erase(KeyValueStore<String, Alert> archive, String recipient) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Alert> it = archive.prefixScan(prefix(recipient), new StringSerializer())) {
            it.forEachRemaining(entry -> keys.add(entry.key));
        }
        keys.forEach(archive::delete);
        return keys.size();
    }

    /** The recipient-and-subscription part of a key, i.e. which list the entry belongs to. */
    static String owner(String key) {
        int first = key.indexOf(SEP);
        return key.substring(0, key.indexOf(SEP, first + 1) + 1);
    }

    /** The subscription id of a key. */
    static String subscriptionId(String key) {
        int first = key.indexOf(SEP);
        return key.substring(first + 1, key.indexOf(SEP, first + 1));
    }
}
