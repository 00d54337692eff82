package io.paperalerts.deadletter;

import io.paperalerts.topics.Topic;
import io.paperalerts.topics.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Conventions of the dead-letter topic. Kafka Streams writes its own dead letters (KIP-1034) with
 * the {@code __streams.errors.*} headers; other services write the original bytes with the
 * {@code paper-alerts.error.*} headers below. {@link #reason(Headers)} reads either.
 */
public final class DeadLetters {

    public static final String REASON = "paper-alerts.error.reason";
    public static final String SOURCE = "paper-alerts.error.source";
    public static final String POSITION = "paper-alerts.error.position";

    static final String STREAMS_MESSAGE = "__streams.errors.message";
    static final String STREAMS_EXCEPTION = "__streams.errors.exception";
    static final String STREAMS_TOPIC = "__streams.errors.topic";

    private DeadLetters() {}

    /**
     * @param source what produced the bad input, e.g. {@code file:papers.jsonl}
     * @param position where in the source, e.g. {@code line 17}
     */
    public static ProducerRecord<byte[], byte[]> record(String source, String position, String reason, byte[] payload) {
        return record(Topics.DEAD_LETTERS, source, position, reason, payload);
    }

    /** The same, to another topic of rejected input, such as {@code papers.rejected}. */
    public static ProducerRecord<byte[], byte[]> record(
            Topic<byte[], byte[]> topic, String source, String position, String reason, byte[] payload) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic.name(), null, payload);
        record.headers()
                .add(REASON, reason.getBytes(StandardCharsets.UTF_8))
                .add(SOURCE, source.getBytes(StandardCharsets.UTF_8))
                .add(POSITION, position.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** The human-readable reason a record was dead-lettered, whoever wrote it. */
    public static String reason(Headers headers) {
        String ours = text(headers, REASON);
        if (ours != null) {
            return ours;
        }
        String exception = text(headers, STREAMS_EXCEPTION);
        String message = text(headers, STREAMS_MESSAGE);
        if (exception == null && message == null) {
            return "(no reason recorded)";
        }
        return (exception == null ? "" : exception + ": ") + (message == null ? "" : message);
    }

    /** The source of the record: a file or feed for ingest, the input topic for Kafka Streams. */
    public static String source(Headers headers) {
        String ours = text(headers, SOURCE);
        return ours != null ? ours : text(headers, STREAMS_TOPIC);
    }

    private static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
