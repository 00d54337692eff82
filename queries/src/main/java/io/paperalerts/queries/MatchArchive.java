package io.paperalerts.queries;

import io.paperalerts.schemas.Alert;
import java.time.Instant;
import java.util.List;

/**
 * What the archive pages and feeds ask the streams service. The archive store is partitioned by
 * recipient, so each instance holds the archives of the recipients of its partitions; an instance
 * that is asked for another's answers by forwarding the request to it ({@link #locate}).
 */
public interface MatchArchive {

    /** Which instance holds the archive of this recipient's subscriptions now. */
    Location locate(String recipient);

    /**
     * One page of a subscription's matches, newest first, with how many there are in all. Only on
     * the instance {@link #locate} says is {@link Here}; elsewhere it throws
     * {@link org.apache.kafka.streams.errors.InvalidStateStoreException}.
     */
    Page read(String recipient, String subscriptionId, int offset, int limit);

    record Page(List<Alert> entries, int total) {}

    /** The date an entry is ordered by: the paper's publication, else when it matched. */
    static Instant date(Alert alert) {
        return alert.getPaper().getPublished() != null ? alert.getPaper().getPublished() : alert.getMatchedAt();
    }

    sealed interface Location permits Here, Elsewhere, Unavailable {}

    record Here() implements Location {}

    /** Another instance, at the HTTP address it advertises ({@code streams.application.server}). */
    record Elsewhere(String host, int port) implements Location {}

    /** Nobody can answer this instant (a rebalance), or this instance cannot tell who can. */
    record Unavailable(String reason) implements Location {}
}
