package io.paperalerts.streams.erasure;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.streams.archive.ArchiveKeys;
import io.paperalerts.streams.archive.ArchiveWriter;
import io.paperalerts.streams.digest.DigestScheduler;
import io.paperalerts.streams.ranking.ReaderRecommendations;
import io.paperalerts.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works through {@code forget.requests}: erases an address from the stores of the task that holds
 * it (its open digests, the times of its recent digests, its archive, what it was recommended), then forwards a digests
 * record without a value that tells the notifier to erase its delivery record of the address. The
 * request is partitioned like {@code alerts}, so it comes after every alert of the address written
 * before it, and under exactly-once the erasure and the forwarded records commit together.
 * The subscriptions themselves were removed by whoever asked (their tombstones come first), so
 * nothing new reaches these stores for the address.
 */
public final class RecipientErasure implements Processor<String, String, String, Digest> {

    /** The stores it erases from, to connect to it. */
    public static final List<String> STORES = Stream.concat(
                    DigestScheduler.STORES.stream(), Stream.of(ArchiveWriter.STORE, ReaderRecommendations.SENT_STORE))
            .toList();

    private static final Logger log = LoggerFactory.getLogger(RecipientErasure.class);

    private ProcessorContext<String, Digest> context;
    private DigestScheduler.Stores digests;
    private KeyValueStore<String, Alert> archive;
    private KeyValueStore<String, List<String>> recommended;

    @Override
    public void init(ProcessorContext<String, Digest> context) {
        this.context = context;
        this.digests = DigestScheduler.Stores.of(context);
        this.archive = context.getStateStore(ArchiveWriter.STORE);
        this.recommended = context.getStateStore(ReaderRecommendations.SENT_STORE);
    }

    @Override
    public void process(Record<String, String> request) {
        if (request.key() == null || request.value() == null) {
            return;
        }
        long at;
        try {
            at = Long.parseLong(request.value());
        } catch (NumberFormatException e) {
            log.warn("Ignoring a forget request whose time is not a number: {}", request.value());
            at = context.currentSystemTimeMs();
        }
        String recipient = request.key();
        int digestEntries = digests.erase(recipient);
        int archiveEntries = ArchiveKeys.erase(archive, recipient);
        ReaderRecommendations.erase(recommended, recipient);
        log.info(
                "Forgot a recipient: {} open digest entries and {} archive entries erased",
                digestEntries,
                archiveEntries);
        var headers = new RecordHeaders();
        headers.add(Topics.FORGET_HEADER, String.valueOf(at).getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<String, Digest>(recipient, null, context.currentSystemTimeMs(), headers));
    }
}
