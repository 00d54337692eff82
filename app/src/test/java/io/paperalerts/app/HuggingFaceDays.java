package io.paperalerts.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Map;

/**
 * The recorded Hugging Face daily papers response (30 papers listed on 2026-06-12), as a source
 * would answer it on a later poll: the same format, with upvote counts changed, or listed on
 * other days.
 */
final class HuggingFaceDays {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HuggingFaceDays() {}

    static ArrayNode recorded() {
        try (InputStream in = HuggingFaceDays.class.getResourceAsStream("/sources/hf-daily-papers.json")) {
            return (ArrayNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recorded response with some papers' upvotes set: paper id to count. */
    static byte[] withUpvotes(Map<String, Integer> upvotes) {
        ArrayNode items = recorded();
        items.forEach(item -> {
            ObjectNode paper = (ObjectNode) item.get("paper");
            Integer count = upvotes.get(paper.get("id").asText());
            if (count != null) {
                paper.put("upvotes", count);
            }
        });
        return bytes(items);
    }

    /**
     * Items {@code from} to {@code to} (exclusive) of the recorded response, listed on {@code day},
     * with their arXiv ids moved to another month (2606.x to {@code month}.x) so they are papers of
     * their own.
     */
    static byte[] slice(int from, int to, LocalDate day, String month) {
        ArrayNode items = recorded();
        ArrayNode slice = JSON.createArrayNode();
        for (int i = from; i < to; i++) {
            ObjectNode paper = (ObjectNode) items.get(i).get("paper");
            paper.put("id", paper.get("id").asText().replace("2606.", month + "."));
            paper.put("submittedOnDailyAt", day + "T00:00:00.000Z");
            slice.add(items.get(i));
        }
        return bytes(slice);
    }

    static byte[] bytes(ArrayNode items) {
        try {
            return JSON.writeValueAsBytes(items);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
