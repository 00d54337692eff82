package io.paperalerts.streams.digest;

import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Subscription;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When digests are due and how big they may get.
 *
 * @param instantWindow alerts of one recipient arriving within this window after the first go out together;
 *     zero: each alert goes out as it arrives
 * @param dailyHour the local hour daily and weekly digests go out at, in the recipient's time zone
 * @param weeklyDay the day weekly digests go out on
 * @param maxPapers papers in one digest; more are counted, not listed
 * @param maxEmailsPerHour digests per recipient per hour; a due digest waits for a free slot and
 *     takes in what arrives meanwhile
 * @param checkInterval how often due digests are looked for (wall-clock punctuation)
 * @param clock what "now" is when scheduling; tests move it through a simulated day
 * @param recommendationsPerWeek papers a week that match none of a reader's subscriptions but
 *     that its ranking scores high, added to its digests ({@code ReaderRecommendations}); 0: none
 */
public record DigestPolicy(
        Duration instantWindow,
        int dailyHour,
        DayOfWeek weeklyDay,
        int maxPapers,
        int maxEmailsPerHour,
        Duration checkInterval,
        Clock clock,
        int recommendationsPerWeek) {

    /** At most this many recommendations a week: a few, beside what the reader asked for. */
    public static final int MAX_RECOMMENDATIONS_PER_WEEK = 3;

    private static final Logger log = LoggerFactory.getLogger(DigestPolicy.class);

    public DigestPolicy {
        if (instantWindow.isNegative()
                || dailyHour < 0
                || dailyHour > 23
                || maxPapers < 1
                || maxEmailsPerHour < 1
                || checkInterval.toMillis() < 1
                || recommendationsPerWeek < 0
                || recommendationsPerWeek > MAX_RECOMMENDATIONS_PER_WEEK) {
            throw new IllegalArgumentException("Invalid digest policy: " + instantWindow + ", hour " + dailyHour + ", "
                    + maxPapers + " papers, " + maxEmailsPerHour + " emails/hour, check every " + checkInterval
                    + ", " + recommendationsPerWeek + " recommendations/week");
        }
    }

    /** Without recommendations. */
    public DigestPolicy(
            Duration instantWindow,
            int dailyHour,
            DayOfWeek weeklyDay,
            int maxPapers,
            int maxEmailsPerHour,
            Duration checkInterval,
            Clock clock) {
        this(instantWindow, dailyHour, weeklyDay, maxPapers, maxEmailsPerHour, checkInterval, clock, 0);
    }

    /** The subscriber's time zone, for the digest hour; UTC (with a warning) for one Java does not know. */
    public static ZoneId zone(Subscription subscription) {
        try {
            return ZoneId.of(subscription.getTimezone());
        } catch (DateTimeException e) {
            log.warn(
                    "Subscription {} has an unknown time zone '{}': using UTC",
                    subscription.getId(),
                    subscription.getTimezone());
            return ZoneOffset.UTC;
        }
    }

    public static DigestPolicy defaults() {
        return new DigestPolicy(
                Duration.ofMinutes(1), 8, DayOfWeek.MONDAY, 50, 10, Duration.ofSeconds(1), Clock.systemUTC());
    }

    public DigestPolicy withClock(Clock newClock) {
        return new DigestPolicy(
                instantWindow,
                dailyHour,
                weeklyDay,
                maxPapers,
                maxEmailsPerHour,
                checkInterval,
                newClock,
                recommendationsPerWeek);
    }

    /** When a digest opened by an alert at {@code first} is due: strictly after it. */
    public Instant due(DeliveryMode mode, Instant first, ZoneId zone) {
        ZonedDateTime at = first.atZone(zone);
        return switch (mode) {
            case INSTANT -> first.plus(instantWindow);
            case DAILY -> {
                ZonedDateTime today = at.toLocalDate().atTime(dailyHour, 0).atZone(zone);
                yield (today.isAfter(at)
                                ? today
                                : at.toLocalDate()
                                        .plusDays(1)
                                        .atTime(dailyHour, 0)
                                        .atZone(zone))
                        .toInstant();
            }
            case WEEKLY -> {
                ZonedDateTime thisWeek = at.toLocalDate()
                        .with(TemporalAdjusters.nextOrSame(weeklyDay))
                        .atTime(dailyHour, 0)
                        .atZone(zone);
                yield (thisWeek.isAfter(at)
                                ? thisWeek
                                : at.toLocalDate()
                                        .with(TemporalAdjusters.next(weeklyDay))
                                        .atTime(dailyHour, 0)
                                        .atZone(zone))
                        .toInstant();
            }
        };
    }

    /**
     * The latest time a daily or weekly digest was due at or before {@code now}: the digest hour
     * today or the day before (daily), on the latest weekly day (weekly).
     */
    public Instant lastDue(DeliveryMode mode, Instant now, ZoneId zone) {
        Instant next = due(mode, now, zone);
        ZonedDateTime at = next.atZone(zone);
        return switch (mode) {
            case INSTANT -> now;
            case DAILY -> at.minusDays(1).toInstant();
            case WEEKLY -> at.minusWeeks(1).toInstant();
        };
    }

    /** The start of the period a digest due at {@code due} covers: the day or week before it. */
    public Instant periodStart(DeliveryMode mode, Instant first, Instant due, ZoneId zone) {
        return switch (mode) {
            case INSTANT -> first;
            case DAILY -> due.atZone(zone).minusDays(1).toInstant();
            case WEEKLY -> due.atZone(zone).minusWeeks(1).toInstant();
        };
    }
}
