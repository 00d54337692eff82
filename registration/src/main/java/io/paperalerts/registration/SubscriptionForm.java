package io.paperalerts.registration;

import com.fasterxml.jackson.databind.JsonNode;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.DeliveryMode;

/** A registration as submitted in JSON, checked field by field by the {@link SubscriptionRules}. */
record SubscriptionForm(
        String email, String query, DeliveryMode delivery, String timezone, int backfillDays, Integer trendingTop) {

    static SubscriptionForm parse(JsonNode body, SubscriptionMatcher checker, int maxBackfillDays) {
        if (body == null || !body.isObject()) {
            throw ApiError.invalid("body", "expected a JSON object");
        }
        String email = SubscriptionRules.email(text(body, "email"));
        Integer trendingTop = trendingTop(body.get("trending"));
        String query = SubscriptionRules.query(text(body, "query"), checker, trendingTop);
        DeliveryMode delivery = SubscriptionRules.delivery(text(body, "delivery"), trendingTop);
        String timezone = SubscriptionRules.timezone(text(body, "timezone"));
        int backfillDays = 0;
        JsonNode days = body.get("backfillDays");
        if (days != null && !days.isNull()) {
            if (!days.isIntegralNumber() || !days.canConvertToInt()) {
                throw ApiError.invalid("backfillDays", "expected a whole number of days");
            }
            backfillDays = SubscriptionRules.backfillDays(days.asInt(), maxBackfillDays);
        }
        return new SubscriptionForm(email, query, delivery, timezone, backfillDays, trendingTop);
    }

    /** {@code "trending": {"top": N}}, or null for a keyword subscription. */
    private static Integer trendingTop(JsonNode trending) {
        if (trending == null || trending.isNull()) {
            return null;
        }
        if (!trending.isObject()) {
            throw ApiError.invalid("trending", "expected an object such as {\"top\": 10}");
        }
        JsonNode top = trending.get("top");
        if (top == null || !top.isIntegralNumber() || !top.canConvertToInt()) {
            throw ApiError.invalid("trending.top", "expected a whole number of papers");
        }
        return SubscriptionRules.trendingTop(top.asInt());
    }

    /** A string field, or null when absent (the rules say whether it is required). */
    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiError.invalid(field, "expected a string");
        }
        return node.asText();
    }
}
