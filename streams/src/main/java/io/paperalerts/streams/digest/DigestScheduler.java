package io.paperalerts.streams.digest;

import io.paperalerts.fingerprint.Sha256;
import io.paperalerts.queries.MatchArchive;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.MatchReason;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.MatchAlerts;
import io.paperalerts.streams.archive.ArchiveKeys;
import io.paperalerts.streams.archive.ArchiveWriter;
import io.paperalerts.streams.claims.PaperClaims;
import io.paperalerts.streams.ranking.DigestRanking;
import io.paperalerts.streams.ranking.ReaderModels;
import io.paperalerts.streams.ranking.ReaderRecommendations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers each recipient's alerts into digests and emits each digest when it is due: an instant
 * window after its first alert, or the daily or weekly hour in the recipient's time zone.
 *
 * <p>Everything pending lives in state stores with changelogs, so a restart or a moved task
 * loses nothing and, under exactly-once, emits nothing twice. The stores: the open digest per
 * (delivery mode, recipient), without its alerts; its alerts, one entry per paper, and its counts
 * (papers listed, papers omitted), so that an alert writes itself and two numbers rather than
 * the whole digest again (a full digest of 50 papers is ~75 KB, and at 100,000 subscriptions
 * tens of thousands of alerts a second join digests); an index of open digests by due time, so a
 * check reads only what is due; and the times of each recipient's recent digests, for the hourly
 * limit. The check is a wall-clock punctuation: a daily digest goes out at its hour even when no
 * paper arrives.
 *
 * <p>Each subscription is looked up when an alert arrives (for its delivery mode) and again when
 * the digest goes out, so a subscription cancelled meanwhile sends nothing more. Buffered alerts
 * name their papers; a digest goes out with the whole papers, from the papers table, and is tried
 * again moments later ({@link #RECHECK}) if the table does not hold one yet. A check emits for
 * {@link #CHECK_BUDGET} at most and leaves the rest to the next one, moments later.
 */
public final class DigestScheduler implements Processor<String, Alert, String, Digest> {

    public static final String BUFFERS_STORE = "digest-buffers";
    public static final String BUFFERED_ALERTS_STORE = "digest-buffered-alerts";
    /** Per open digest: {@code [papers listed, papers omitted]}. */
    public static final String BUFFER_SIZES_STORE = "digest-buffer-sizes";

    static final int LISTED = 0;
    static final int OMITTED = 1;
    public static final String DUE_STORE = "digest-due";
    public static final String SENT_STORE = "digest-sent";
    /** Every store it keeps, to connect to it (and to what erases from them). */
    public static final List<String> STORES =
            List.of(BUFFERS_STORE, BUFFERED_ALERTS_STORE, BUFFER_SIZES_STORE, DUE_STORE, SENT_STORE);
    /**
     * The stores it reads besides, when it ranks digests for their readers ({@link DigestRanking}),
     * and keeps for {@link ReaderRecommendations} (the archive: what a reader matched).
     */
    public static final List<String> RANKING_STORES = Stream.concat(
                    Stream.of(ReaderModels.STORE, ArchiveWriter.STORE), ReaderRecommendations.STORES.stream())
            .toList();
    /** Bounds the work of one punctuation; the rest is found by the next one. */
    static final int MAX_DUE_PER_CHECK = 10_000;
    /**
     * How soon a check that left work is followed by another: a digest whose papers the table does
     * not hold yet (the table's thread trails the alerts by moments, both being written in one
     * transaction: waiting a whole check, 1 s, added that second to an instant email's latency),
     * or due digests a check had no time for.
     */
    static final Duration RECHECK = Duration.ofMillis(20);
    /**
     * How long one check may emit before it leaves the rest to the next one, moments later. A
     * punctuation runs inside the task's open transaction: one that emitted thousands of due
     * digests under load outlived {@code transaction.timeout.ms} (10 s under exactly-once), and the
     * broker's abort fenced the thread's producer, which closes every task of the thread, matching
     * included (10 times in one sustained run at 100,000 subscriptions). Between two checks the
     * thread commits.
     */
    static final Duration CHECK_BUDGET = Duration.ofMillis(200);

    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final Logger log = LoggerFactory.getLogger(DigestScheduler.class);

    private final DigestPolicy policy;
    private final String subscriptionsStore;
    private final String papersStore;
    private final LongAdder emitted;
    private ProcessorContext<String, Digest> context;
    private KeyValueStore<String, Subscription> subscriptions;
    private KeyValueStore<String, Paper> papers;
    private KeyValueStore<String, Digest> buffers;
    private KeyValueStore<String, Alert> bufferedAlerts;
    private KeyValueStore<String, Alert> archive;
    private KeyValueStore<String, List<Long>> sizes;
    private KeyValueStore<String, String> due;
    private KeyValueStore<String, List<Long>> sent;
    /** When a check follows one that left work ({@link #RECHECK}); the short punctuation looks only then. */
    private long recheckAt = Long.MAX_VALUE;

    private final Duration checkBudget;
    private final boolean ranked;
    /** Null unless {@code ranked}. */
    private DigestRanking ranking;
    /** Null unless {@code ranked} and the policy recommends papers. */
    private ReaderRecommendations recommendations;

    /**
     * @param papersStore the table of the papers that alerts name ({@link PaperClaims}): a digest
     *     goes out with whole papers
     * @param emitted counts the digests emitted, for the service's metrics
     * @param ranked whether digests go out in each reader's order once it gave feedback; it then
     *     reads {@link #RANKING_STORES} too. The archive ({@link ArchiveWriter#STORE}, one of them) it
     *     reads either way: an open digest's entries take their reasons from there
     */
    public DigestScheduler(
            DigestPolicy policy, String subscriptionsStore, String papersStore, LongAdder emitted, boolean ranked) {
        this(policy, subscriptionsStore, papersStore, emitted, CHECK_BUDGET, ranked);
    }

    /** @param checkBudget how long one check may emit ({@link #CHECK_BUDGET}); tests shorten it */
    DigestScheduler(
            DigestPolicy policy,
            String subscriptionsStore,
            String papersStore,
            LongAdder emitted,
            Duration checkBudget,
            boolean ranked) {
        this.checkBudget = checkBudget;
        this.ranked = ranked;
        this.policy = policy;
        this.subscriptionsStore = subscriptionsStore;
        this.papersStore = papersStore;
        this.emitted = emitted;
    }

    @Override
    public void init(ProcessorContext<String, Digest> context) {
        this.context = context;
        this.subscriptions = context.getStateStore(subscriptionsStore);
        this.papers = context.getStateStore(papersStore);
        this.buffers = context.getStateStore(BUFFERS_STORE);
        this.bufferedAlerts = context.getStateStore(BUFFERED_ALERTS_STORE);
        this.archive = context.getStateStore(ArchiveWriter.STORE);
        this.sizes = context.getStateStore(BUFFER_SIZES_STORE);
        this.due = context.getStateStore(DUE_STORE);
        this.sent = context.getStateStore(SENT_STORE);
        if (ranked) {
            if (policy.recommendationsPerWeek() > 0) {
                recommendations =
                        new ReaderRecommendations(policy.recommendationsPerWeek(), context, ArchiveWriter.STORE);
                context.schedule(
                        Duration.ofHours(1),
                        PunctuationType.WALL_CLOCK_TIME,
                        ignored -> recommendations.forgetOld(policy.clock().millis()));
            }
            this.ranking = new DigestRanking(context.getStateStore(ReaderModels.STORE), recommendations);
        }
        context.schedule(policy.checkInterval(), PunctuationType.WALL_CLOCK_TIME, ignored -> emitDue());
        Duration recheck = RECHECK.compareTo(policy.checkInterval()) < 0 ? RECHECK : policy.checkInterval();
        context.schedule(recheck, PunctuationType.WALL_CLOCK_TIME, ignored -> {
            if (policy.clock().millis() >= recheckAt) {
                recheckAt = Long.MAX_VALUE;
                emitDue();
            }
        });
    }

    @Override
    public void process(Record<String, Alert> record) {
        Alert alert = record.value();
        // A backfill's alerts are for the archive: the backfill sent them in a digest of its own.
        if (alert == null || alert.getKind() == AlertKind.BACKFILL) {
            return;
        }
        if (recommendations != null) {
            recommendations.note(alert);
        }
        Map<DeliveryMode, List<MatchReason>> byMode = new EnumMap<>(DeliveryMode.class);
        Map<DeliveryMode, ZoneId> zones = new EnumMap<>(DeliveryMode.class);
        for (MatchReason reason : alert.getReasons()) {
            Subscription subscription = active(reason.getSubscriptionId());
            if (subscription != null) {
                byMode.computeIfAbsent(subscription.getDelivery(), m -> new ArrayList<>())
                        .add(reason);
                zones.putIfAbsent(subscription.getDelivery(), DigestPolicy.zone(subscription));
            }
        }
        Instant now = policy.clock().instant();
        byMode.forEach((mode, reasons) -> add(mode, zones.get(mode), withReasons(alert, reasons), now));
    }

    private void add(DeliveryMode mode, ZoneId zone, Alert alert, Instant now) {
        String key = bufferKey(mode, alert.getRecipient());
        Digest digest = buffers.get(key);
        if (digest == null) {
            // No grouping window: out now rather than at the next check, unless the hourly limit holds
            // it (then it is buffered, and what arrives meanwhile joins it).
            boolean atOnce =
                    mode == DeliveryMode.INSTANT && policy.instantWindow().isZero();
            Instant dueAt = policy.due(mode, now, zone);
            Instant start = policy.periodStart(mode, now, dueAt, zone);
            digest = Digest.newBuilder()
                    // At once, two papers can open digests in the same millisecond: each needs its own Message-ID.
                    .setId(
                            atOnce
                                    ? hash(digestId(alert.getRecipient(), mode, start) + "\n"
                                            + alert.getPaper().getId())
                                    : digestId(alert.getRecipient(), mode, start))
                    .setRecipient(alert.getRecipient())
                    .setKind(DigestKind.valueOf(mode.name()))
                    .setPeriodStart(start)
                    .setPeriodEnd(dueAt)
                    .setTimezone(zone.getId())
                    .setAlerts(new ArrayList<>(List.of(alert)))
                    .build();
            if (atOnce) {
                emit(key, digest, now.toEpochMilli(), null, papers::get);
                return;
            }
            // Opened: its header now, its first alert below, as an entry like the rest.
            due.put(dueKey(dueAt.toEpochMilli(), key), key);
            digest.setAlerts(new ArrayList<>());
            buffers.put(key, digest);
        } else if (!digest.getAlerts().isEmpty()) {
            // Written before the alerts had entries of their own.
            park(key, digest);
        }
        List<Long> counts = sizes.get(key);
        long listed = count(counts, LISTED);
        long omitted = count(counts, OMITTED);
        String alertKey = alertKey(key, alert.getPaper().getId());
        Alert same = bufferedAlerts.get(alertKey);
        if (same != null) {
            bufferedAlerts.put(
                    alertKey,
                    same.getReasons().isEmpty() ? entryOf(same, alert.getSubscriptionIds()) : merge(same, alert));
            return;
        }
        if (listed < policy.maxPapers()) {
            bufferedAlerts.put(alertKey, entryOf(alert, List.of()));
            listed++;
        } else {
            omitted++;
        }
        sizes.put(key, List.of(listed, omitted));
    }

    /** Keeps a digest open: its header, and its alerts as entries of their own. */
    private void park(String key, Digest digest) {
        List<Long> counts = sizes.get(key);
        long listed = count(counts, LISTED);
        for (Alert alert : digest.getAlerts()) {
            String alertKey = alertKey(key, alert.getPaper().getId());
            if (bufferedAlerts.get(alertKey) == null) {
                listed++;
            }
            bufferedAlerts.put(alertKey, alert);
        }
        sizes.put(key, List.of(listed, digest.getOmitted() + count(counts, OMITTED)));
        digest.setAlerts(new ArrayList<>());
        digest.setOmitted(0);
        buffers.put(key, digest);
    }

    /** An open digest with its alerts, and the keys of their entries (to delete once it is sent). */
    private record Open(Digest digest, List<String> entryKeys) {}

    /** The open digest with its alerts, oldest first, and the count of those left out: one scan. */
    private Open assemble(String key, Digest header) {
        List<Alert> alerts = new ArrayList<>(header.getAlerts());
        List<String> entryKeys = new ArrayList<>();
        forEachBuffered(bufferedAlerts, key, entry -> {
            entryKeys.add(entry.key);
            alerts.add(withArchivedReasons(entry.value));
        });
        alerts.sort(Comparator.comparing(Alert::getMatchedAt));
        Digest digest = Digest.newBuilder(header)
                .setAlerts(alerts)
                .setOmitted(header.getOmitted() + (int) count(sizes.get(key), OMITTED))
                .build();
        return new Open(digest, entryKeys);
    }

    private void close(String key, List<String> entryKeys) {
        // put(key, null) deletes too; delete(key) would read and decode each old value to return it
        // (~2 % of the stream threads at 100,000 subscriptions, for alerts just read by assemble).
        entryKeys.forEach(entryKey -> bufferedAlerts.put(entryKey, null));
        sizes.put(key, null);
        buffers.put(key, null);
    }

    private void emitDue() {
        long now = policy.clock().millis();
        List<KeyValue<String, String>> ready = new ArrayList<>();
        try (KeyValueIterator<String, String> it = due.range(dueKey(0, ""), dueKey(now + 1, ""))) {
            while (it.hasNext() && ready.size() < MAX_DUE_PER_CHECK) {
                ready.add(it.next());
            }
        }
        // A paper is in many of a check's digests (one per recipient it matched): read and decoded once.
        Map<String, Paper> read = new HashMap<>();
        Function<String, Paper> paperOf = id -> {
            Paper paper = read.get(id);
            if (paper == null) {
                paper = papers.get(id);
                if (paper != null) {
                    read.put(id, paper);
                }
            }
            return paper;
        };
        long deadline = System.nanoTime() + checkBudget.toNanos();
        for (int i = 0; i < ready.size(); i++) {
            if (i > 0 && System.nanoTime() - deadline > 0) {
                // The rest stays in the index for the next check, moments from now, after a commit.
                recheckAt = Math.min(recheckAt, now);
                return;
            }
            KeyValue<String, String> entry = ready.get(i);
            due.put(entry.key, null);
            Digest header = buffers.get(entry.value);
            if (header != null) {
                Open open = assemble(entry.value, header);
                emit(entry.value, open.digest(), now, open.entryKeys(), paperOf);
            }
        }
        if (ready.size() == MAX_DUE_PER_CHECK) {
            recheckAt = Math.min(recheckAt, now);
        }
    }

    /**
     * @param entryKeys the keys of its buffered alerts when the digest is in the buffers store;
     *     {@code null} when it is emitted as it arrives
     * @param paperOf the papers table, as this check reads it
     */
    private void emit(String key, Digest digest, long now, List<String> entryKeys, Function<String, Paper> paperOf) {
        boolean buffered = entryKeys != null;
        List<Long> recent = new ArrayList<>();
        List<Long> before = sent.get(digest.getRecipient());
        if (before != null) {
            before.stream().filter(t -> t > now - HOUR_MS).forEach(recent::add);
        }
        if (recent.size() >= policy.maxEmailsPerHour()) {
            // Over the hourly limit: wait for the oldest of the hour's emails to age out, and keep
            // gathering alerts into this digest until then.
            holdUntil(key, digest, buffered, recent.get(0) + HOUR_MS);
            return;
        }
        List<Alert> whole = PaperClaims.redeemed(digest.getAlerts(), paperOf);
        if (whole == null) {
            // A paper its alerts name is not in the table yet: the table's own thread trails the
            // alerts by moments. Try again shortly; nothing is sent without its papers.
            log.debug("Digest {} waits for its papers", digest.getId());
            holdUntil(key, digest, buffered, now + RECHECK.toMillis());
            recheckAt = Math.min(recheckAt, now + RECHECK.toMillis());
            return;
        }
        if (buffered) {
            close(key, entryKeys);
        }
        digest.setAlerts(whole);
        List<Alert> stillWanted = new ArrayList<>();
        for (Alert alert : digest.getAlerts()) {
            List<MatchReason> reasons = new ArrayList<>();
            for (MatchReason reason : alert.getReasons()) {
                Subscription subscription = active(reason.getSubscriptionId());
                if (subscription != null) {
                    // The subscription's query and token as they are now: alerts carry neither, and a
                    // token replaced since the match (to revoke the old links) must not be mailed again.
                    reasons.add(
                            Objects.equals(reason.getArchiveToken(), subscription.getArchiveToken())
                                            && reason.getQuery().equals(subscription.getQuery())
                                    ? reason
                                    : MatchReason.newBuilder(reason)
                                            .setQuery(subscription.getQuery())
                                            .setArchiveToken(subscription.getArchiveToken())
                                            .build());
                }
            }
            if (!reasons.isEmpty()) {
                stillWanted.add(withReasons(alert, reasons));
            }
        }
        if (stillWanted.isEmpty()) {
            log.debug("Digest {} dropped: its subscriptions were cancelled", digest.getId());
            return;
        }
        digest.setAlerts(stillWanted);
        if (ranking != null) {
            digest = ranking.rank(digest, paperOf, now);
        }
        recent.add(now);
        sent.put(digest.getRecipient(), recent);
        // Stamped with the wall clock, not the schedule's clock: brokers refuse timestamps far from their own.
        context.forward(new Record<>(digest.getRecipient(), digest, context.currentSystemTimeMs()));
        emitted.increment();
    }

    /** Keeps a digest open until {@code dueMs}, gathering what arrives meanwhile. */
    private void holdUntil(String key, Digest digest, boolean buffered, long dueMs) {
        Digest header = buffered ? buffers.get(key) : digest;
        header.setPeriodEnd(Instant.ofEpochMilli(dueMs));
        if (buffered) {
            buffers.put(key, header);
        } else {
            park(key, header);
        }
        due.put(dueKey(dueMs, key), key);
    }

    private Subscription active(String id) {
        Subscription subscription = subscriptions.get(id);
        return subscription != null && subscription.getStatus() == SubscriptionStatus.ACTIVE ? subscription : null;
    }

    private static Alert withReasons(Alert alert, List<MatchReason> reasons) {
        if (reasons.equals(alert.getReasons())) {
            return alert;
        }
        Alert copy = MatchAlerts.copyOf(alert);
        copy.setReasons(reasons);
        copy.setSubscriptionIds(
                reasons.stream().map(MatchReason::getSubscriptionId).toList());
        return copy;
    }

    /**
     * An open digest's entry for an alert: its paper (by reference) and its subscriptions, but not
     * its reasons. The same alert's reasons (query, matched words, where the snippet is cut) are in
     * the archive, written by {@link ArchiveWriter} in this task, and are read back from there when
     * the digest goes out: each alert was kept in full twice (an archive entry and this one),
     * ~50 B per alert on each changelog.
     *
     * @param more subscriptions to add to the entry's (an entry met again)
     */
    private static Alert entryOf(Alert alert, List<String> more) {
        Alert entry = MatchAlerts.copyOf(alert);
        entry.setReasons(List.of());
        if (!more.isEmpty()) {
            Set<String> ids = new TreeSet<>(alert.getSubscriptionIds());
            ids.addAll(more);
            entry.setSubscriptionIds(List.copyOf(ids));
        }
        return entry;
    }

    /**
     * The alert of an open digest's entry, its reasons read from the archive; an entry an earlier
     * version kept in full is returned as it is. A reason the archive does not hold (pruned for an
     * old paper date, or filed under another date by a later version of the paper) is the
     * subscription's own, without the matched words: the paper is not left out of the email.
     */
    private Alert withArchivedReasons(Alert entry) {
        if (!entry.getReasons().isEmpty()) {
            return entry;
        }
        List<MatchReason> reasons = new ArrayList<>();
        for (String id : entry.getSubscriptionIds()) {
            Alert archived = archive.get(ArchiveKeys.key(
                    entry.getRecipient(),
                    id,
                    MatchArchive.date(entry),
                    entry.getPaper().getId()));
            if (archived != null && archived.getReasons().size() == 1) {
                reasons.add(archived.getReasons().get(0));
                continue;
            }
            // Named only: emit gives every reason its subscription's query, or drops it with the subscription.
            reasons.add(
                    MatchReason.newBuilder().setSubscriptionId(id).setQuery("").build());
        }
        Alert alert = MatchAlerts.copyOf(entry);
        alert.setReasons(reasons);
        return alert;
    }

    private static Alert merge(Alert older, Alert newer) {
        Map<String, MatchReason> reasons = new TreeMap<>();
        older.getReasons().forEach(r -> reasons.put(r.getSubscriptionId(), r));
        newer.getReasons().forEach(r -> reasons.put(r.getSubscriptionId(), r));
        return withReasons(older, List.copyOf(reasons.values()));
    }

    /** The stores of open digests and recent sends, as another processor of the same task opens them. */
    public record Stores(
            KeyValueStore<String, Digest> buffers,
            KeyValueStore<String, Alert> bufferedAlerts,
            KeyValueStore<String, List<Long>> sizes,
            KeyValueStore<String, String> due,
            KeyValueStore<String, List<Long>> sent) {

        public static Stores of(ProcessorContext<?, ?> context) {
            return new Stores(
                    context.getStateStore(BUFFERS_STORE),
                    context.getStateStore(BUFFERED_ALERTS_STORE),
                    context.getStateStore(BUFFER_SIZES_STORE),
                    context.getStateStore(DUE_STORE),
                    context.getStateStore(SENT_STORE));
        }

        /**
         * Removes everything kept for a recipient: each open digest (its header, alerts, counts and
         * place in the due index) and the times of its recent digests. @return entries removed
         */
        public int erase(String recipient) {
            int removed = 0;
            for (DeliveryMode mode : DeliveryMode.values()) {
                String key = bufferKey(mode, recipient);
                Digest header = buffers.get(key);
                if (header != null) {
                    // The header's end is its due time: the index entry is found without a scan.
                    due.delete(dueKey(header.getPeriodEnd().toEpochMilli(), key));
                    buffers.delete(key);
                    removed++;
                }
                List<String> entries = new ArrayList<>();
                forEachBuffered(bufferedAlerts, key, entry -> entries.add(entry.key));
                entries.forEach(bufferedAlerts::delete);
                removed += entries.size();
                if (sizes.delete(key) != null) {
                    removed++;
                }
            }
            if (sent.delete(recipient) != null) {
                removed++;
            }
            return removed;
        }
    }

    /** The papers in the recipient's open digests, of every delivery mode: matched, not sent yet. */
    public static Set<String> bufferedPapers(KeyValueStore<String, Alert> bufferedAlerts, String recipient) {
        Set<String> papers = new HashSet<>();
        for (DeliveryMode mode : DeliveryMode.values()) {
            forEachBuffered(
                    bufferedAlerts,
                    bufferKey(mode, recipient),
                    entry -> papers.add(entry.value.getPaper().getId()));
        }
        return papers;
    }

    /** Each buffered alert of one open digest ({@link #bufferKey}), in key order. */
    private static void forEachBuffered(
            KeyValueStore<String, Alert> bufferedAlerts, String bufferKey, Consumer<KeyValue<String, Alert>> action) {
        try (KeyValueIterator<String, Alert> it =
                bufferedAlerts.prefixScan(bufferKey + ALERT_SEPARATOR, new StringSerializer())) {
            it.forEachRemaining(action);
        }
    }

    public static String bufferKey(DeliveryMode mode, String recipient) {
        return mode + "|" + recipient;
    }

    /** One of a digest's counts ({@link #LISTED} or {@link #OMITTED}); 0 before it has any. */
    private static long count(List<Long> counts, int which) {
        return counts == null ? 0 : counts.get(which);
    }

    /** Papers listed in an open digest, from its counts in {@link #BUFFER_SIZES_STORE}. */
    public static long listed(List<Long> counts) {
        return count(counts, LISTED);
    }

    /** After the buffer key, a character no address has, so one recipient's prefix is not another's. */
    private static final String ALERT_SEPARATOR = "\u0000";

    static String alertKey(String bufferKey, String paperId) {
        return bufferKey + ALERT_SEPARATOR + paperId;
    }

    /** Zero-padded, so the byte order of the keys is the order of the due times. */
    static String dueKey(long dueMs, String bufferKey) {
        return String.format("%019d|%s", dueMs, bufferKey);
    }

    /** The same (recipient, mode, period) always gives the same id, hence the same Message-ID. */
    public static String digestId(String recipient, DeliveryMode mode, Instant periodStart) {
        return hash(recipient + "\n" + mode + "\n" + periodStart.toEpochMilli());
    }

    public static String hash(String value) {
        return Sha256.hex(value, 16);
    }
}
