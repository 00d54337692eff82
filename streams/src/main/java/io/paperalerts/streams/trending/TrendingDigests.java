package io.paperalerts.streams.trending;

import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.matching.SubscriptionMatcher.Trending;
import io.paperalerts.queries.Recipients;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.TrendingDay;
import io.paperalerts.streams.digest.DigestPolicy;
import io.paperalerts.streams.digest.DigestScheduler;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Emits each trending subscription's digest at its digest hour: the top N papers of the day before
 * (daily) or of the seven days before (weekly), by the latest upvote counts in the trending store.
 *
 * <p>It runs on the one task of the single-partition ranking by day, so exactly one instance
 * schedules every trending digest; what it emitted is in a changelogged store (per
 * subscription, the due time of its last digest), so under exactly-once a restart neither skips
 * nor repeats one. A period with no upvoted paper emits nothing; so does a period before the
 * subscription was confirmed.
 */
public final class TrendingDigests implements Processor<String, TrendingDay, String, Digest> {

    public static final String SENT_STORE = "trending-sent";

    private final DigestPolicy policy;
    private final SubscriptionMatcher matcher;
    private final String trendingStore;
    private final LongAdder emitted;
    private ProcessorContext<String, Digest> context;
    private KeyValueStore<String, TrendingDay> days;
    private KeyValueStore<String, Long> sent;

    /** @param trendingStore the global store of {@code papers.trending} */
    public TrendingDigests(DigestPolicy policy, SubscriptionMatcher matcher, String trendingStore, LongAdder emitted) {
        this.policy = policy;
        this.matcher = matcher;
        this.trendingStore = trendingStore;
        this.emitted = emitted;
    }

    @Override
    public void init(ProcessorContext<String, Digest> context) {
        this.context = context;
        this.days = context.getStateStore(trendingStore);
        this.sent = context.getStateStore(SENT_STORE);
        context.schedule(policy.checkInterval(), PunctuationType.WALL_CLOCK_TIME, ignored -> emitDue());
    }

    @Override
    public void process(Record<String, TrendingDay> record) {
        // The global store holds the days; this stream only places the scheduling on the ranking's one task.
    }

    private void emitDue() {
        Instant now = policy.clock().instant();
        for (Trending trending : matcher.trending()) {
            Subscription subscription = trending.subscription();
            DeliveryMode mode = mode(subscription);
            ZoneId zone = DigestPolicy.zone(subscription);
            Instant due = policy.lastDue(mode, now, zone);
            Instant since =
                    subscription.getConfirmed() != null ? subscription.getConfirmed() : subscription.getCreated();
            Long last = sent.get(subscription.getId());
            if (due.isBefore(since) || (last != null && last >= due.toEpochMilli())) {
                continue;
            }
            sent.put(subscription.getId(), due.toEpochMilli());
            Digest digest = digest(trending, mode, due, zone, now);
            if (digest != null) {
                context.forward(new Record<>(digest.getRecipient(), digest, context.currentSystemTimeMs()));
                emitted.increment();
            }
        }
    }

    private Digest digest(Trending trending, DeliveryMode mode, Instant due, ZoneId zone, Instant now) {
        LocalDate dueDay = due.atZone(zone).toLocalDate();
        LocalDate first = mode == DeliveryMode.WEEKLY ? dueDay.minusDays(7) : dueDay.minusDays(1);
        List<Paper> papers = new ArrayList<>();
        for (LocalDate day = first; day.isBefore(dueDay); day = day.plusDays(1)) {
            TrendingDay known = days.get(day.toString());
            if (known != null) {
                papers.addAll(known.getPapers());
            }
        }
        List<Alert> picks = TrendingAlerts.pick(trending, matcher, papers, first, now, AlertKind.LIVE);
        if (picks.isEmpty()) {
            return null;
        }
        Subscription subscription = trending.subscription();
        String recipient = Recipients.of(subscription.getEmail());
        return Digest.newBuilder()
                .setId(DigestScheduler.hash(
                        "trending\n" + recipient + "\n" + subscription.getId() + "\n" + due.toEpochMilli()))
                .setRecipient(recipient)
                .setKind(DigestKind.valueOf(mode.name()))
                .setPeriodStart(first.atStartOfDay(zone).toInstant())
                .setPeriodEnd(due)
                .setTimezone(zone.getId())
                .setAlerts(picks)
                .build();
    }

    /** Trending is a daily or weekly thing; an instant one (refused at registration) goes daily. */
    static DeliveryMode mode(Subscription subscription) {
        return subscription.getDelivery() == DeliveryMode.WEEKLY ? DeliveryMode.WEEKLY : DeliveryMode.DAILY;
    }
}
