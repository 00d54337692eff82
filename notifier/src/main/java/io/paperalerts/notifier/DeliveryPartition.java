package io.paperalerts.notifier;

import io.paperalerts.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One partition's local copy of the delivery record: the pairs, and the next offset of {@code deliveries} to read. */
final class DeliveryPartition implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryPartition.class);
    /** Not a pair key: pair keys start with an address. */
    static final byte[] POSITION_KEY = "\u0000position".getBytes(StandardCharsets.UTF_8);
    /** The id of the topic incarnation the copy was read from: a recreated topic or another cluster has another. */
    private static final byte[] TOPIC_ID_KEY = "\u0000topic-id".getBytes(StandardCharsets.UTF_8);

    static {
        RocksDB.loadLibrary();
    }

    final int number;
    final RocksDB db;
    private final Options options;
    long position;

    private DeliveryPartition(int number, RocksDB db, Options options, long position) {
        this.number = number;
        this.db = db;
        this.options = options;
        this.position = position;
    }

    /** Opens (or creates) partition {@code number}'s copy; one of another topic incarnation is emptied. */
    static DeliveryPartition open(Path directory, byte[] topicId, int number) {
        Path folder = directory.resolve(Topics.DELIVERIES.name() + "-" + number);
        // Small write buffers: a notifier holds up to a few of these stores, and their memory is
        // outside the heap limit an operator sets.
        Options options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferSize(16L * 1024 * 1024)
                .setMaxWriteBufferNumber(2);
        try {
            Files.createDirectories(folder);
            RocksDB db = RocksDB.open(options, folder.toString());
            byte[] position = db.get(POSITION_KEY);
            DeliveryPartition partition = new DeliveryPartition(
                    number,
                    db,
                    options,
                    position == null ? 0 : ByteBuffer.wrap(position).getLong());
            if (!Arrays.equals(db.get(TOPIC_ID_KEY), topicId)) {
                if (position != null) {
                    log.warn(
                            "Local delivery record of partition {} is of another deliveries topic; reading it in full",
                            number);
                }
                partition.wipe();
                db.put(TOPIC_ID_KEY, topicId);
            }
            return partition;
        } catch (IOException e) {
            options.close();
            throw new UncheckedIOException("Cannot create " + folder, e);
        } catch (RocksDBException e) {
            options.close();
            throw new IllegalStateException(
                    "Cannot open the delivery record in " + folder + ": " + e.getMessage()
                            + " (is another notifier using the same notifier.state.dir?)",
                    e);
        }
    }

    /** Empties the copy, to be read again from the topic's start. */
    void wipe() throws RocksDBException {
        try (var iterator = db.newIterator()) {
            byte[] first = null;
            byte[] last = null;
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                if (first == null) {
                    first = iterator.key();
                }
                last = iterator.key();
            }
            if (first != null) {
                db.deleteRange(first, last);
                db.delete(last);
            }
        }
        position = 0;
    }

    @Override
    public void close() {
        db.close();
        options.close();
    }
}
