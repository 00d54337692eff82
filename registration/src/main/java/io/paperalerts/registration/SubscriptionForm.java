package io.paperalerts.registration;

import com.fasterxml.jackson.databind.JsonNode;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.streams.matching.InvalidQueryException;
import io.paperalerts.streams.matching.SubscriptionMatcher;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A registration as submitted, checked field by field; each refusal names the field and the reason. */
record SubscriptionForm(String email, String query, DeliveryMode delivery, String timezone, int backfillDays) {

    private static final Pattern POSITION = Pattern.compile("position (\\d+)");

    static SubscriptionForm parse(JsonNode body, SubscriptionMatcher checker, int maxBackfillDays) {
        if (body == null || !body.isObject()) {
            throw ApiError.invalid("body", "expected a JSON object");
        }
        String email = email(text(body, "email", true));
        String query = query(text(body, "query", true), checker);
        DeliveryMode delivery = delivery(text(body, "delivery", false));
        String timezone = timezone(text(body, "timezone", false));
        int backfillDays = 0;
        JsonNode days = body.get("backfillDays");
        if (days != null && !days.isNull()) {
            if (!days.canConvertToInt() || !days.isIntegralNumber()) {
                throw ApiError.invalid("backfillDays", "expected a whole number of days");
            }
            backfillDays = days.asInt();
            if (backfillDays < 0 || backfillDays > maxBackfillDays) {
                throw ApiError.invalid("backfillDays", "expected 0 to " + maxBackfillDays + " days, got " + backfillDays);
            }
        }
        return new SubscriptionForm(email, query, delivery, timezone, backfillDays);
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw ApiError.invalid(field, "required");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw ApiError.invalid(field, "expected a string");
        }
        return node.asText();
    }

    static String email(String raw) {
        String email = raw == null ? "" : raw.strip();
        if (email.isEmpty()) {
            throw ApiError.invalid("email", "required");
        }
        if (email.length() > 254) {
            throw ApiError.invalid("email", "invalid email address: longer than 254 characters");
        }
        try {
            InternetAddress address = new InternetAddress(email, true);
            address.validate();
            if (!address.getAddress().equals(email) || !email.matches("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+")) {
                throw new AddressException("expected name@domain.tld", email);
            }
        } catch (AddressException e) {
            throw ApiError.invalid("email", "invalid email address '" + email + "': " + e.getMessage());
        }
        return email.toLowerCase(Locale.ROOT);
    }

    static String query(String raw, SubscriptionMatcher checker) {
        String query = raw == null ? "" : raw.strip();
        try {
            checker.compile(query);
        } catch (InvalidQueryException e) {
            Matcher at = POSITION.matcher(e.getMessage());
            throw ApiError.invalid("query", e.getMessage(), at.find() ? Integer.valueOf(at.group(1)) : null);
        }
        return query;
    }

    static DeliveryMode delivery(String raw) {
        if (raw == null || raw.isBlank()) {
            return DeliveryMode.INSTANT;
        }
        try {
            return DeliveryMode.valueOf(raw.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("delivery", "unknown delivery mode '" + raw + "'; expected instant, daily or weekly");
        }
    }

    static String timezone(String raw) {
        if (raw == null || raw.isBlank()) {
            return "UTC";
        }
        try {
            return ZoneId.of(raw.strip()).getId();
        } catch (DateTimeException e) {
            throw ApiError.invalid("timezone", "unknown time zone '" + raw + "'; expected an IANA zone such as Europe/Paris");
        }
    }
}
