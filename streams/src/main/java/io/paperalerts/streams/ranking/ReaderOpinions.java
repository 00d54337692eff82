package io.paperalerts.streams.ranking;

import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderModelState;
import java.util.List;
import java.util.Optional;

/**
 * What the feedback, manage and archive pages ask the streams service about readers' opinions. The store
 * of opinions is partitioned like the archive, by reader: {@link #opinions} answers only on the
 * instance that {@link io.paperalerts.streams.archive.MatchArchive#locate} says holds the reader.
 */
public interface ReaderOpinions {

    /**
     * The reader's "more like this" and "less like this", latest per paper, in paper-id order.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException where the reader is not held
     */
    List<Feedback> opinions(String recipient);

    /**
     * The reader's ranking model, empty before it gave feedback (or before it is learnt).
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException where the reader is not held
     */
    Optional<ReaderModelState> model(String recipient);

    /** A paper that alerts named, from the table every instance holds; empty if none did. */
    Optional<Paper> alertedPaper(String paperId);
}
