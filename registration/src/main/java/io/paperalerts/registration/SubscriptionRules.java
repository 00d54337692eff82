package io.paperalerts.registration;

import io.paperalerts.matching.InvalidQueryException;
import io.paperalerts.matching.Node;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.schemas.DeliveryMode;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.security.SecureRandom;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a subscription's fields must be, for every way in (the API, the pages, the command line):
 * each check returns the normalised value or names the field and the reason.
 */
public final class SubscriptionRules {

    /** A field that breaks a rule; the message is the reason. */
    public static final class Invalid extends IllegalArgumentException {
        private final String field;
        private final Integer position;

        Invalid(String field, String reason, Integer position) {
            super(reason);
            this.field = field;
            this.position = position;
        }

        public String field() {
            return field;
        }

        /** Where in the query the problem is (1-based), when known. */
        public Integer position() {
            return position;
        }
    }

    private static final Pattern POSITION = Pattern.compile("position (\\d+)");

    private SubscriptionRules() {}

    /** A new subscription's id: random, so an id tells nothing about the address behind it. */
    public static String newId() {
        return "s-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A new secret for the addresses of a subscription's archive page and feeds: 128 random bits,
     * unguessable, and replaced (not expired) to revoke them, so feed readers' links keep working.
     */
    public static String newArchiveToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A bare address (no display name), lower-cased. */
    public static String email(String raw) {
        String email = raw == null ? "" : raw.strip();
        if (email.isEmpty()) {
            throw new Invalid("email", "required", null);
        }
        if (email.length() > 254) {
            throw new Invalid("email", "invalid email address: longer than 254 characters", null);
        }
        try {
            InternetAddress address = new InternetAddress(email, true);
            address.validate();
            if (!address.getAddress().equals(email) || !email.matches("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+")) {
                throw new AddressException("expected name@domain.tld", email);
            }
        } catch (AddressException e) {
            throw new Invalid("email", "invalid email address '" + email + "': " + e.getMessage(), null);
        }
        return email.toLowerCase(Locale.ROOT);
    }

    /** How many papers a trending subscription may ask for: what one digest lists. */
    public static final int MAX_TRENDING_TOP = 50;

    /** A trending subscription's N: 1 to {@link #MAX_TRENDING_TOP}. */
    public static int trendingTop(int top) {
        if (top < 1 || top > MAX_TRENDING_TOP) {
            throw new Invalid("trending.top", "expected 1 to " + MAX_TRENDING_TOP + " papers, got " + top, null);
        }
        return top;
    }

    /** A trending subscription's query is optional (it then ranks every paper); a keyword one's is not. */
    public static String query(String raw, SubscriptionMatcher checker, Integer trendingTop) {
        if (trendingTop != null && (raw == null || raw.isBlank())) {
            return "";
        }
        return query(raw, checker);
    }

    /** A trending subscription is daily (when not given) or weekly: it ranks whole days. */
    public static DeliveryMode delivery(String raw, Integer trendingTop) {
        if (trendingTop == null) {
            return delivery(raw);
        }
        DeliveryMode mode = raw == null || raw.isBlank() ? DeliveryMode.DAILY : delivery(raw);
        if (mode == DeliveryMode.INSTANT) {
            throw new Invalid("delivery", "a trending subscription ranks whole days: expected daily or weekly", null);
        }
        return mode;
    }

    public static String query(String raw, SubscriptionMatcher checker) {
        compiled(raw, checker);
        return raw.strip();
    }

    /** The query compiled, for those who match with it at once (a preview). */
    public static Node compiled(String raw, SubscriptionMatcher checker) {
        requirePrintable(raw);
        try {
            return checker.compile(raw == null ? "" : raw.strip());
        } catch (InvalidQueryException e) {
            Matcher at = POSITION.matcher(e.getMessage());
            throw new Invalid("query", e.getMessage(), at.find() ? Integer.valueOf(at.group(1)) : null);
        }
    }

    /**
     * A query is one line of visible text: control, line-break and formatting characters (the
     * bidirectional overrides among them) could make a confirmation email say something else than
     * what was subscribed to, and no query needs them.
     */
    private static void requirePrintable(String raw) {
        if (raw == null) {
            return;
        }
        for (int i = 0; i < raw.length(); ) {
            int c = raw.codePointAt(i);
            String kind = switch (Character.getType(c)) {
                case Character.CONTROL -> c == '\n' || c == '\r' || c == 0x85 ? "a line break" : "a control character";
                case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> "a line break";
                case Character.FORMAT -> "a formatting character (such as a bidirectional override)";
                case Character.UNASSIGNED, Character.PRIVATE_USE, Character.SURROGATE -> "a character with no meaning";
                default -> null;
            };
            if (kind != null) {
                throw new Invalid(
                        "query",
                        "contains " + kind + String.format(" (U+%04X)", c) + " at position " + (i + 1)
                                + "; write the query as one line of visible text",
                        i + 1);
            }
            i += Character.charCount(c);
        }
    }

    /** Instant when not given. */
    public static DeliveryMode delivery(String raw) {
        if (raw == null || raw.isBlank()) {
            return DeliveryMode.INSTANT;
        }
        try {
            return DeliveryMode.valueOf(raw.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Invalid(
                    "delivery", "unknown delivery mode '" + raw + "'; expected instant, daily or weekly", null);
        }
    }

    /** UTC when not given. */
    public static String timezone(String raw) {
        if (raw == null || raw.isBlank()) {
            return "UTC";
        }
        try {
            return ZoneId.of(raw.strip()).getId();
        } catch (DateTimeException e) {
            throw new Invalid(
                    "timezone", "unknown time zone '" + raw + "'; expected an IANA zone such as Europe/Paris", null);
        }
    }

    public static int backfillDays(int days, int max) {
        if (days < 0 || days > max) {
            throw new Invalid("backfillDays", "expected 0 to " + max + " days, got " + days, null);
        }
        return days;
    }
}
