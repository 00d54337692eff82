package io.paperalerts.streams.backfill;

import io.paperalerts.mail.AlertMailer;
import io.paperalerts.schemas.Digest;
import io.paperalerts.streams.ranking.DigestRanking;
import io.paperalerts.streams.ranking.ReaderModels;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a backfill's digest ({@code digests.backfill}) in its reader's order, as {@link
 * DigestRanking} does the digests of live matches, in the task that holds the reader's model (the
 * topic is partitioned like {@code alerts}). A trending subscription's backfill keeps the order of
 * its upvotes, which is what it asked for. Recommendations ride on live digests only.
 */
public final class BackfillRanking implements Processor<String, Digest, String, Digest> {

    private static final Logger log = LoggerFactory.getLogger(BackfillRanking.class);

    private ProcessorContext<String, Digest> context;
    private DigestRanking ranking;

    @Override
    public void init(ProcessorContext<String, Digest> context) {
        this.context = context;
        this.ranking = new DigestRanking(context.getStateStore(ReaderModels.STORE), null);
    }

    @Override
    public void process(Record<String, Digest> record) {
        Digest digest = record.value();
        if (digest == null || record.key() == null || !record.key().equals(digest.getRecipient())) {
            // Only a backfill writes here, keyed by its digest's recipient: anything else is not ours.
            log.warn("Ignoring a backfill digest whose key is not its recipient");
            return;
        }
        if (!AlertMailer.trending(digest)) {
            digest = ranking.rank(digest, id -> null, context.currentSystemTimeMs());
        }
        context.forward(record.withValue(digest));
    }
}
