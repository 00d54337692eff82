package io.paperalerts.queries;

import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderRank;
import java.util.List;
import java.util.Optional;

/**
 * What the feedback, manage and archive pages ask the streams service about readers' opinions. The store
 * of opinions is partitioned like the archive, by reader: {@link #opinions} answers only on the
 * instance that {@link MatchArchive#locate} says holds the reader.
 */
public interface ReaderOpinions {

    /**
     * The reader's "more like this" and "less like this", latest per paper, in paper-id order.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException where the reader is not held
     */
    List<Feedback> opinions(String recipient);

    /** A paper that alerts named, from the table every instance holds; empty if none did. */
    Optional<Paper> alertedPaper(String paperId);

    /**
     * Alerts in the order the reader's digests list them, once it said "more like this" or "less
     * like this" (and its model is learnt); empty before, when they keep the order they came in.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException where the reader is not held
     */
    Optional<Ordered> inReaderOrder(String recipient, List<Alert> alerts);

    /**
     * Alerts in a reader's order; per alert, the liked paper it is ranked for (none: {@code null}
     * title) and whether it is most like papers the reader wanted less of.
     */
    record Ordered(List<Alert> papers, List<ReaderRank> ranks, List<Boolean> lower) {}
}
