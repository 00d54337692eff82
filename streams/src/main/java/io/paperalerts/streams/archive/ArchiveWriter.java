package io.paperalerts.streams.archive;

import io.paperalerts.queries.MatchArchive;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.streams.MatchAlerts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps every subscription's matches, live and backfilled, in the archive store that its archive
 * page and feeds are read from. One entry per (subscription, paper): a paper seen again replaces
 * its entry. Once an hour the store is pruned: an entry goes when it is both older than the
 * retention and beyond the newest {@code minEntries} of its subscription, or when its
 * subscription is gone. Alerts of a subscription that is gone are not archived.
 */
public final class ArchiveWriter implements Processor<String, Alert, Void, Void> {

    public static final String STORE = "archive-store";
    static final Duration PRUNE_EVERY = Duration.ofHours(1);

    private final ArchivePolicy policy;
    private final String subscriptionsStore;
    private KeyValueStore<String, Alert> archive;
    private KeyValueStore<String, Subscription> subscriptions;

    public ArchiveWriter(ArchivePolicy policy, String subscriptionsStore) {
        this.policy = policy;
        this.subscriptionsStore = subscriptionsStore;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.archive = context.getStateStore(STORE);
        this.subscriptions = context.getStateStore(subscriptionsStore);
        context.schedule(PRUNE_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> prune(Instant.ofEpochMilli(now)));
    }

    @Override
    public void process(Record<String, Alert> record) {
        Alert alert = record.value();
        if (alert == null) {
            return;
        }
        for (MatchReason reason : alert.getReasons()) {
            if (subscriptions.get(reason.getSubscriptionId()) == null) {
                // Gone (cancelled, or its address forgotten): a replay of alerts must not bring it back.
                continue;
            }
            Alert entry = MatchAlerts.copyOf(alert);
            entry.setSubscriptionIds(List.of(reason.getSubscriptionId()));
            entry.setReasons(List.of(reason));
            archive.put(
                    ArchiveKeys.key(
                            alert.getRecipient(),
                            reason.getSubscriptionId(),
                            MatchArchive.date(alert),
                            alert.getPaper().getId()),
                    entry);
        }
    }

    /** Returns how many entries it removed. */
    int prune(Instant now) {
        Instant oldest = now.minus(policy.retention());
        int removed = 0;
        String owner = null;
        int rank = 0;
        try (KeyValueIterator<String, Alert> all = archive.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                String entryOwner = ArchiveKeys.owner(entry.key);
                if (!entryOwner.equals(owner)) {
                    owner = entryOwner;
                    rank = 0;
                }
                rank++;
                boolean gone = subscriptions.get(ArchiveKeys.subscriptionId(entry.key)) == null;
                boolean expired = rank > policy.minEntries()
                        && MatchArchive.date(entry.value).isBefore(oldest);
                if (gone || expired) {
                    archive.delete(entry.key);
                    removed++;
                }
            }
        }
        return removed;
    }
}
