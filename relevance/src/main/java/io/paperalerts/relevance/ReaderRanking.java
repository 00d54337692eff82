package io.paperalerts.relevance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A digest's papers in a reader's order: by their model's score, highest first, keyword order
 * among equals (so a reader who has not clicked keeps keyword order), each with the liked paper
 * it is most like, for the reason shown beside it.
 */
public final class ReaderRanking {

    private ReaderRanking() {}

    /** One paper in a reader's order. */
    public record Ranked<T>(T item, double score, Optional<ReaderModel.Judged> like) {}

    /** @param keywordOrder the papers as keyword order lists them */
    public static <T> List<Ranked<T>> rank(List<T> keywordOrder, Function<T, TermVector> text, ReaderModel model) {
        List<Ranked<T>> ranked = new ArrayList<>(keywordOrder.size());
        for (T item : keywordOrder) {
            TermVector vector = text.apply(item);
            double score = model.score(vector);
            ranked.add(new Ranked<>(item, score, score > 0 ? model.closestLiked(vector) : Optional.empty()));
        }
        // A stable sort: equal scores keep keyword order.
        ranked.sort(Comparator.comparingDouble((Ranked<T> r) -> r.score()).reversed());
        return ranked;
    }
}
