package io.paperalerts.notifier;

import io.paperalerts.fingerprint.Sha256;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What was delivered (in the spirit of an outbox message log): every (recipient, paper) an SMTP
 * server accepted, checked before sending so that restarts, rebalances and replays never email a
 * paper twice.
 *
 * <p>The durable copy is the compacted {@code deliveries} topic, partitioned like {@code digests}.
 * Each instance keeps only the partitions it owns, each in a local RocksDB (off the heap, on
 * disk) with the offset it has read up to, stored in the same write: when a partition is
 * assigned, only what was added since is read, so a restart with ten million pairs resumes in
 * seconds. A partition whose local copy is missing or belongs to another incarnation of the topic
 * is read in full.
 */
final class DeliveryStore implements DeliveryLog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryStore.class);
    private static final byte[] PRESENT = new byte[0];
    /**
     * Not a pair key either: {@code NUL forgotten <pseudonym>}, value when the address was forgotten
     * (epoch millis). Digests of before then are not sent (one parked for a retry, one replayed),
     * while a subscriber who comes back gets what is new.
     */
    private static final String FORGOTTEN = "\u0000forgotten ";

    private static final byte[] FORGOTTEN_BYTES = FORGOTTEN.getBytes(StandardCharsets.UTF_8);

    /** After {@code recipient }, the start of an email record's key ({@link #emailKey}). */
    private static final String EMAIL = "\u0000";

    private final KafkaClients clients;
    private final Path directory;
    private final byte[] topicId;
    private final UnaryOperator<String> pseudonym;
    private final boolean perEmail;
    private final Producer<String, String> producer;
    private final Map<Integer, DeliveryPartition> open = new ConcurrentHashMap<>();

    /**
     * @param topicId the id of the {@code deliveries} topic in this cluster
     * @param pseudonym what the record keeps of a forgotten address instead of the address
     * @param perEmail a record per email ({@link #emailValue}), else per pair, as earlier versions
     *     (which read only the first pair of an email's record) write and read them
     */
    DeliveryStore(
            KafkaClients clients, Path directory, Uuid topicId, UnaryOperator<String> pseudonym, boolean perEmail) {
        this.clients = clients;
        this.directory = directory;
        this.topicId = bytes(topicId.toString());
        this.pseudonym = pseudonym;
        this.perEmail = perEmail;
        var topic = Topics.DELIVERIES;
        this.producer = clients.producer(
                Map.of(
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        // Each email waits for its record: lingering (5 ms by default) would be most of the send.
                        ProducerConfig.LINGER_MS_CONFIG,
                        0,
                        // An email's pairs share their address: one batch compresses well, cheaply.
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "zstd"),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer());
    }

    static String key(String recipient, String paperId) {
        return recipient + " " + paperId;
    }

    /**
     * The key of an email's record: the recipient, a space, NUL and a hash of its papers. Two records
     * with one key name the same papers, so compaction, which keeps only the later, loses no pair
     * even if two instances recorded emails at once (a rebalance). Addresses have no NUL, so the
     * key is no pair's; it starts as the address's pairs do, so a forget finds it with them.
     */
    static String emailKey(String recipient, List<String> paperIds) {
        return key(recipient, EMAIL + Sha256.hex(String.join("\n", paperIds), 16));
    }

    /**
     * The value of an email's record: its Message-ID, then one paper id per line. Notifiers before
     * this format wrote a record per pair, valued {@code <Message-ID> <instant>} on one line; both
     * are read, told apart by the line break that an email's value always has.
     */
    static String emailValue(String messageId, List<String> paperIds) {
        return messageId + "\n" + String.join("\n", paperIds);
    }

    /** The partition of the record (and of {@code digests}) that holds a recipient's pairs. */
    static int partitionOf(String recipient) {
        return Topics.DIGESTS.partitionOf(recipient);
    }

    /** Opens the local copies of these partitions and brings each up to the end of the topic. */
    void assign(Collection<Integer> partitions) {
        for (int number : partitions) {
            open.computeIfAbsent(number, n -> DeliveryPartition.open(directory, topicId, n));
        }
        catchUp(partitions.stream().map(open::get).toList());
    }

    /** Closes the local copies of partitions this instance no longer owns; their files stay for next time. */
    void revoke(Collection<Integer> partitions) {
        for (int number : partitions) {
            DeliveryPartition partition = open.remove(number);
            if (partition != null) {
                partition.close();
            }
        }
    }

    @Override
    public boolean contains(String recipient, String paperId) {
        DeliveryPartition partition = partitionFor(recipient);
        try {
            return partition.db.get(bytes(key(recipient, paperId))) != null;
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read the delivery record of partition " + partition.number, e);
        }
    }

    /**
     * Records the papers of one email durably (acks=all) before its offset may be committed: one
     * record ({@link #emailKey}, {@link #emailValue}); the record's timestamp says when. Without
     * {@code perEmail}, a record per pair, as earlier versions wrote.
     */
    @Override
    public void record(String recipient, List<String> paperIds, String messageId) {
        if (paperIds.isEmpty()) {
            return;
        }
        DeliveryPartition partition = partitionFor(recipient);
        // A paper id with a line break (no source's, but the papers topic is open to any producer)
        // would be read back as two: it gets a pair record of its own, in the earlier format.
        Map<Boolean, List<String>> listed =
                paperIds.stream().collect(Collectors.partitioningBy(id -> perEmail && id.indexOf('\n') < 0));
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        String email = listed.get(true).isEmpty() ? null : emailKey(recipient, listed.get(true));
        if (email != null) {
            records.add(new ProducerRecord<>(
                    Topics.DELIVERIES.name(), partition.number, email, emailValue(messageId, listed.get(true))));
        }
        String pairValue = messageId + " " + Instant.now();
        listed.get(false)
                .forEach(id -> records.add(new ProducerRecord<>(
                        Topics.DELIVERIES.name(), partition.number, key(recipient, id), pairValue)));
        List<RecordMetadata> written = write(partition, records, "the delivery of " + messageId);
        // Senders of other recipients of the partition record at the same time: one position update at a time.
        synchronized (partition) {
            writeLocally(
                    partition,
                    batch -> {
                        for (String id : paperIds) {
                            batch.put(bytes(key(recipient, id)), PRESENT);
                        }
                        if (email != null) {
                            // Kept for a forget to find, like a pair.
                            batch.put(bytes(email), PRESENT);
                        }
                    },
                    written);
        }
    }

    /**
     * Erases what the record holds of an address: a tombstone for each of its pairs and email
     * records (on the topic and here), and in their place a pseudonymous note of when it was
     * forgotten.
     *
     * @return how many pairs were erased (email records not counted)
     */
    @Override
    public int forget(String recipient, Instant at) {
        DeliveryPartition partition = partitionFor(recipient);
        byte[] prefix = bytes(key(recipient, ""));
        List<byte[]> pairs = new ArrayList<>();
        try (RocksIterator it = partition.db.newIterator()) {
            for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                pairs.add(it.key());
            }
        }
        String forgotten = FORGOTTEN + pseudonym.apply(recipient);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        pairs.forEach(pair -> records.add(new ProducerRecord<>(
                Topics.DELIVERIES.name(), partition.number, new String(pair, StandardCharsets.UTF_8), null)));
        records.add(new ProducerRecord<>(
                Topics.DELIVERIES.name(), partition.number, forgotten, String.valueOf(at.toEpochMilli())));
        List<RecordMetadata> written = write(partition, records, "the erasure of a recipient");
        synchronized (partition) {
            writeLocally(
                    partition,
                    batch -> {
                        for (byte[] pair : pairs) {
                            batch.delete(pair);
                        }
                        batch.put(bytes(forgotten), bytes(String.valueOf(at.toEpochMilli())));
                    },
                    written);
        }
        byte[] emails = bytes(key(recipient, EMAIL));
        return (int) pairs.stream().filter(key -> !startsWith(key, emails)).count();
    }

    /** When the address was forgotten, if it was: its digests of before then are not sent. */
    @Override
    public Optional<Instant> forgottenAt(String recipient) {
        DeliveryPartition partition = partitionFor(recipient);
        try {
            byte[] at = partition.db.get(bytes(FORGOTTEN + pseudonym.apply(recipient)));
            return at == null
                    ? Optional.empty()
                    : Optional.of(Instant.ofEpochMilli(Long.parseLong(new String(at, StandardCharsets.UTF_8))));
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read the delivery record of partition " + partition.number, e);
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Writes records durably (acks=all), waiting for each. */
    private List<RecordMetadata> write(
            DeliveryPartition partition, List<ProducerRecord<String, String>> records, String what) {
        List<Future<RecordMetadata>> sends =
                records.stream().map(producer::send).toList();
        List<RecordMetadata> written = new ArrayList<>();
        try {
            for (Future<RecordMetadata> send : sends) {
                written.add(send.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while recording " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot record " + what + " in partition " + partition.number + ": "
                            + e.getCause().getMessage(),
                    e);
        }
        return written;
    }

    /** What one local write changes besides the position. */
    private interface Changes {
        void into(WriteBatch batch) throws RocksDBException;
    }

    private static void writeLocally(DeliveryPartition partition, Changes changes, List<RecordMetadata> written) {
        try (WriteBatch batch = new WriteBatch();
                WriteOptions options = new WriteOptions()) {
            changes.into(batch);
            // The local position moves past our own records only while nobody else wrote between
            // (another instance during a rebalance): otherwise the next catch-up reads them.
            long next = partition.position;
            for (RecordMetadata metadata : written.stream()
                    .sorted(Comparator.comparingLong(RecordMetadata::offset))
                    .toList()) {
                if (metadata.offset() == next) {
                    next++;
                }
            }
            partition.position = next;
            batch.put(DeliveryPartition.POSITION_KEY, longBytes(next));
            partition.db.write(options, batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot write the delivery record of partition " + partition.number, e);
        }
    }

    /** Pairs held locally (RocksDB's estimate), for logs and benchmarks. */
    long estimatedPairs() {
        long pairs = 0;
        for (DeliveryPartition partition : open.values()) {
            try {
                pairs += partition.db.getLongProperty("rocksdb.estimate-num-keys");
            } catch (RocksDBException e) {
                throw new IllegalStateException(e);
            }
        }
        return pairs;
    }

    private DeliveryPartition partitionFor(String recipient) {
        int number = partitionOf(recipient);
        DeliveryPartition partition = open.get(number);
        if (partition == null) {
            // A digest of a partition this instance was not given (a replayed or misrouted record):
            // read that part of the record as well rather than guess.
            assign(List.of(number));
            partition = open.get(number);
        }
        return partition;
    }

    /** Reads each partition from its local position to the end of the topic as it is now. */
    private void catchUp(List<DeliveryPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        long read = 0;
        long pairs = 0;
        try (var consumer = clients.consumer(
                        Map.<String, Object>of(
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false,
                                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                                10_000,
                                ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
                                64 * 1024 * 1024),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer());
                WriteOptions writeOptions = new WriteOptions().setDisableWAL(false)) {
            Map<TopicPartition, DeliveryPartition> byTopicPartition = new HashMap<>();
            partitions.forEach(p -> byTopicPartition.put(new TopicPartition(Topics.DELIVERIES.name(), p.number), p));
            consumer.assign(byTopicPartition.keySet());
            Map<TopicPartition, Long> ends = consumer.endOffsets(byTopicPartition.keySet());
            Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(byTopicPartition.keySet());
            for (var entry : byTopicPartition.entrySet()) {
                DeliveryPartition partition = entry.getValue();
                if (partition.position > ends.get(entry.getKey())) {
                    // The topic was recreated: this copy is of another incarnation.
                    log.warn(
                            "Local delivery record of partition {} is ahead of the topic; reading it in full",
                            partition.number);
                    partition.wipe();
                }
                consumer.seek(entry.getKey(), Math.max(partition.position, beginnings.get(entry.getKey())));
            }
            while (byTopicPartition.keySet().stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (TopicPartition tp : records.partitions()) {
                    DeliveryPartition partition = byTopicPartition.get(tp);
                    try (WriteBatch batch = new WriteBatch()) {
                        for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                            if (record.key() == null) {
                                continue;
                            }
                            if (record.value() == null) {
                                batch.delete(record.key());
                            } else if (startsWith(record.key(), FORGOTTEN_BYTES)) {
                                // A note that an address was forgotten keeps its time.
                                batch.put(record.key(), record.value());
                            } else {
                                pairs += putPairs(batch, record.key(), record.value());
                            }
                            read++;
                        }
                        partition.position = consumer.position(tp);
                        batch.put(DeliveryPartition.POSITION_KEY, longBytes(partition.position));
                        partition.db.write(writeOptions, batch);
                    }
                }
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot restore the delivery record: " + e.getMessage(), e);
        }
        log.info(
                "Delivery record of partitions {} up to date: {} records ({} pairs) read in {} ms",
                partitions.stream().map(p -> p.number).toList(),
                read,
                pairs,
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Puts the pairs of one record: an email's ({@link #emailKey}: its pairs share the key's
     * address; the key itself is kept too, for a forget to find), or the one pair of an earlier
     * notifier's record. A pair needs no value.
     *
     * @return how many pairs
     */
    private static int putPairs(WriteBatch batch, byte[] key, byte[] value) throws RocksDBException {
        batch.put(key, PRESENT);
        int lineBreak = indexOf(value, (byte) '\n', 0);
        int addressLength = indexOf(key, (byte) 0, 0);
        if (lineBreak < 0 || addressLength < 0) {
            // A pair record: an earlier notifier's, or one of a paper id no email record lists.
            return 1;
        }
        int count = 0;
        for (int at = lineBreak + 1; at < value.length; at = end(value, at) + 1) {
            int idEnd = end(value, at);
            byte[] pair = Arrays.copyOf(key, addressLength + idEnd - at);
            System.arraycopy(value, at, pair, addressLength, idEnd - at);
            batch.put(pair, PRESENT);
            count++;
        }
        return count;
    }

    private static int end(byte[] value, int from) {
        int lineBreak = indexOf(value, (byte) '\n', from);
        return lineBreak < 0 ? value.length : lineBreak;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        revoke(List.copyOf(open.keySet()));
    }
}
