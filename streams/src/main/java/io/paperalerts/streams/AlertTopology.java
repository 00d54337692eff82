package io.paperalerts.streams;

import io.paperalerts.avro.AvroSerde;
import io.paperalerts.mail.ShownPapers;
import io.paperalerts.matching.Explanation;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.matching.SubscriptionMatcher.Match;
import io.paperalerts.matching.TrendingRanking;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderModelState;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.TrendingDay;
import io.paperalerts.streams.archive.ArchivePolicy;
import io.paperalerts.streams.archive.ArchiveWriter;
import io.paperalerts.streams.backfill.BackfillRanking;
import io.paperalerts.streams.claims.PaperClaims;
import io.paperalerts.streams.digest.DigestPolicy;
import io.paperalerts.streams.digest.DigestScheduler;
import io.paperalerts.streams.erasure.RecipientErasure;
import io.paperalerts.streams.ranking.AnalysedPapers;
import io.paperalerts.streams.ranking.FeedbackErasure;
import io.paperalerts.streams.ranking.FeedbackRecorder;
import io.paperalerts.streams.ranking.ReaderModels;
import io.paperalerts.streams.ranking.ReaderRecommendations;
import io.paperalerts.streams.sharding.SubscriptionShards;
import io.paperalerts.streams.trending.TrendingDigests;
import io.paperalerts.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches every paper against every active subscription and emits one alert per (recipient,
 * paper), listing all of that recipient's subscriptions that matched; then gathers each
 * recipient's alerts into digests, one per email, emitted when due.
 *
 * <pre>
 * subscriptions (compacted) --> global store --> SubscriptionMatcher (or, sharded, the matcher of each shard held here)
 *                                                       |
 * papers --> match --> one alert per recipient, naming its paper --> alerts (key: recipient)
 *                  \-> the paper, once --> papers.alerted (compacted) --> global papers store
 * sharded: papers --> papers.alerted
 *                 \-> papers-by-shard-N (each paper to every partition: one per shard) --> match (the task's shard) --> alerts
 * alerts --> DigestScheduler (instant window, daily, weekly; hourly limit; papers as emails show them) --> digests (key: recipient)
 *        \-> ArchiveWriter --> archive store (every match of each subscription, read by interactive query)
 * forget.requests --> RecipientErasure (the same stores) --> digests (tell the notifier), tombstone
 *                 \-> FeedbackErasure --> feedback (a tombstone per opinion of the reader)
 * digests.backfill (a backfill's, partitioned like alerts) --> BackfillRanking (the reader's order) --> digests
 * feedback (key: recipient and paper, partitioned like alerts) --> FeedbackRecorder --> feedback store
 *          --> each reader's model (ReaderModels), which DigestScheduler ranks its digests by (DigestRanking)
 *          \-> feedback (on a reader's end, a tombstone per opinion of the reader: FeedbackErasure)
 * </pre>
 *
 * The subscriptions feed a global store, so every instance sees every subscription and papers
 * need no repartitioning; the store is the durable copy and the matcher is rebuilt from it when
 * an instance starts. With {@link SubscriptionShards} an instance's heap holds only the shards of
 * its tasks: each shard's task builds its matcher from the store. Alerts, digest buffers and
 * archives hold a reference to each paper, stored once in {@code papers.alerted} ({@link
 * PaperClaims}), which a global store gives every instance.
 */
public final class AlertTopology {

    public static final String SUBSCRIPTIONS_STORE = "subscriptions-store";
    /** Per paper (and version, if new versions alert), the subscriptions already alerted about it. */
    public static final String ALERTED_STORE = "alerted-store";
    /**
     * The same, per shard, when papers are matched by {@code count} shards: a store of its own,
     * since its changelog has a partition per shard rather than per partition of {@code papers}.
     * The count is in the name, as in {@link #papersByShard}: another count starts afresh rather
     * than failing on topics of the old one.
     */
    public static String shardAlertedStore(int count) {
        return "shard-alerted-store-" + count;
    }

    /** Per day (ISO date), the upvoted papers listed on it: the global copy of {@code papers.trending}. */
    public static final String TRENDING_STORE = "trending-store";

    /**
     * With {@code count} shards, each paper goes to every partition of this repartition topic, one
     * per shard.
     */
    public static String papersByShard(int count) {
        return "papers-by-shard-" + count;
    }

    static final String TRENDING_DAYS_STORE = "trending-days";
    static final String TRENDING_BY_DAY = "trending-by-day";
    /**
     * Partitions (hence tasks) of the ranking by day: one, since a few hundred papers a day are
     * listed, and one task then schedules every trending digest.
     */
    public static final int TRENDING_PARTITIONS = 1;

    private static final Logger log = LoggerFactory.getLogger(AlertTopology.class);

    /**
     * The alerts topic's serde for alerts with whole papers, byte for byte, encoding each paper
     * once for all its alerts: the matcher forwards the one Paper it read, unchanged, in every
     * alert of it.
     */
    private static final Serde<Alert> FAN_OUT = AvroSerde.encodingOnce(Alert.class, Paper.class);

    private static Serde<Alert> alertSerde(boolean alertsByReference) {
        return alertsByReference ? Topics.ALERTS.valueSerde() : FAN_OUT;
    }

    private AlertTopology() {}

    public static Topology build(SubscriptionMatcher matcher) {
        return build(matcher, false, DigestPolicy.defaults());
    }

    public static Topology build(SubscriptionMatcher matcher, DigestPolicy digests) {
        return build(matcher, false, digests);
    }

    /**
     * @param alertNewVersions whether a new version of a paper alerts its subscribers again; by
     *     default a paper arriving again (re-polled, from another source, a new version) never
     *     alerts a subscription twice
     * @param digestPolicy when the digests of each delivery mode are due
     */
    public static Topology build(SubscriptionMatcher matcher, boolean alertNewVersions, DigestPolicy digestPolicy) {
        return build(matcher, alertNewVersions, digestPolicy, ArchivePolicy.defaults());
    }

    /** @param archivePolicy how long each subscription's matches stay on its archive page and feeds */
    public static Topology build(
            SubscriptionMatcher matcher,
            boolean alertNewVersions,
            DigestPolicy digestPolicy,
            ArchivePolicy archivePolicy) {
        return build(
                matcher,
                alertNewVersions,
                digestPolicy,
                archivePolicy,
                new TopologyCounters(),
                true,
                SubscriptionShards.none());
    }

    /**
     * @param counters counts what the topology does, for the service's metrics
     * @param alertsByReference whether alerts carry a reference to their paper (stored once in
     *     {@code papers.alerted}) rather than the whole paper; off only for the first rolling restart
     *     of an upgrade from a version that cannot read them
     * @param shards whether papers are matched by shards of the subscriptions (each paper sent to
     *     every shard) rather than by {@code matcher}, which then ranks only trending subscriptions
     */
    public static Topology build(
            SubscriptionMatcher matcher,
            boolean alertNewVersions,
            DigestPolicy digestPolicy,
            ArchivePolicy archivePolicy,
            TopologyCounters counters,
            boolean alertsByReference,
            SubscriptionShards shards) {
        StreamsBuilder builder = new StreamsBuilder();
        String alertedStore = shards.sharded() ? shardAlertedStore(shards.count()) : ALERTED_STORE;
        builder.addStateStore(taskStore(alertedStore, stringListSerde()));
        var subscriptions = Topics.SUBSCRIPTIONS;
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(SUBSCRIPTIONS_STORE),
                                subscriptions.keySerde(),
                                subscriptions.valueSerde())
                        .withLoggingDisabled(),
                subscriptions.name(),
                Consumed.with(subscriptions.keySerde(), subscriptions.valueSerde()),
                () -> new SubscriptionUpdater(matcher, shards));

        var papers = Topics.PAPERS;
        var alerts = Topics.ALERTS;
        var alerted = Topics.PAPERS_ALERTED;
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(PaperClaims.STORE),
                                alerted.keySerde(),
                                alerted.valueSerde())
                        .withLoggingDisabled(),
                alerted.name(),
                Consumed.with(alerted.keySerde(), alerted.valueSerde()),
                () -> new StoreCopier<>(PaperClaims.STORE));
        KStream<String, Paper> paperStream =
                builder.stream(papers.name(), Consumed.with(papers.keySerde(), papers.valueSerde()));
        KStream<String, Paper> toMatch = paperStream;
        if (shards.sharded()) {
            KStream<String, Paper> valid = paperStream.filter((id, paper) -> paper != null);
            if (alertsByReference) {
                // Once, here, rather than by each shard that matches it; committed before any shard reads the paper.
                valid.to(alerted.name(), Produced.with(alerted.keySerde(), alerted.valueSerde()));
            }
            toMatch = valid.repartition(Repartitioned.<String, Paper>as(papersByShard(shards.count()))
                    .withNumberOfPartitions(shards.count())
                    .withKeySerde(papers.keySerde())
                    .withValueSerde(papers.valueSerde())
                    .withStreamPartitioner(new SubscriptionShards.EveryShard()));
        }
        KStream<String, SpecificRecord> matched = toMatch.process(
                () -> new PaperMatcher(matcher, alertNewVersions, counters, alertsByReference, shards, alertedStore),
                alertedStore);
        matched.filter((id, value) -> value instanceof Paper)
                .mapValues(value -> (Paper) value)
                .to(alerted.name(), Produced.with(alerted.keySerde(), alerted.valueSerde()));
        matched.filter((recipient, value) -> value instanceof Alert)
                .mapValues(value -> (Alert) value)
                .to(alerts.name(), Produced.with(alerts.keySerde(), alertSerde(alertsByReference)));

        var digests = Topics.DIGESTS;
        builder.addStateStore(taskStore(DigestScheduler.BUFFERS_STORE, digests.valueSerde()));
        builder.addStateStore(taskStore(DigestScheduler.BUFFERED_ALERTS_STORE, alerts.valueSerde()));
        builder.addStateStore(taskStore(DigestScheduler.BUFFER_SIZES_STORE, longListSerde()));
        builder.addStateStore(taskStore(DigestScheduler.DUE_STORE, Serdes.String()));
        builder.addStateStore(taskStore(DigestScheduler.SENT_STORE, longListSerde()));
        builder.addStateStore(taskStore(ArchiveWriter.STORE, alerts.valueSerde()));
        KStream<String, Alert> alertStream =
                builder.stream(alerts.name(), Consumed.with(alerts.keySerde(), alerts.valueSerde()));
        alertStream.process(() -> new ArchiveWriter(archivePolicy, SUBSCRIPTIONS_STORE), ArchiveWriter.STORE);
        builder.addStateStore(taskStore(FeedbackRecorder.STORE, Topics.FEEDBACK.valueSerde()));
        builder.addStateStore(taskStore(FeedbackRecorder.PENDING_STORE, Serdes.Long()));
        builder.addStateStore(taskStore(ReaderModels.STORE, AvroSerde.of(ReaderModelState.class)));
        builder.addStateStore(taskStore(AnalysedPapers.STORE, Serdes.ByteArray()));
        builder.addStateStore(taskStore(ReaderRecommendations.RECENT_STORE, Serdes.String()));
        builder.addStateStore(taskStore(ReaderRecommendations.SENT_STORE, stringListSerde()));
        var feedback = Topics.FEEDBACK;
        builder.stream(feedback.name(), Consumed.with(feedback.keySerde(), feedback.valueSerde()))
                .process(() -> new FeedbackRecorder(PaperClaims.STORE), FeedbackRecorder.STORES.toArray(String[]::new))
                .to(
                        feedback.name(),
                        Produced.with(feedback.keySerde(), feedback.valueSerde())
                                .withStreamPartitioner(new FeedbackErasure.ByReader()));
        alertStream
                .process(
                        () -> new DigestScheduler(
                                digestPolicy, SUBSCRIPTIONS_STORE, PaperClaims.STORE, counters.digestsEmitted, true),
                        Stream.concat(DigestScheduler.STORES.stream(), DigestScheduler.RANKING_STORES.stream())
                                .toArray(String[]::new))
                .mapValues(ShownPapers::of)
                .to(digests.name(), Produced.with(digests.keySerde(), digests.valueSerde()));
        var backfilled = Topics.DIGESTS_BACKFILL;
        builder.stream(backfilled.name(), Consumed.with(backfilled.keySerde(), backfilled.valueSerde()))
                .process(BackfillRanking::new, ReaderModels.STORE)
                .mapValues(ShownPapers::of)
                .to(digests.name(), Produced.with(digests.keySerde(), digests.valueSerde()));
        addErasure(builder);
        addTrending(builder, paperStream, matcher, digestPolicy, counters);
        return builder.build();
    }

    /**
     * forget.requests --> RecipientErasure (the task of the address's alerts: digest buffers, archive)
     *                 |     |--> digests (no value: the notifier erases its delivery record)
     *                 |     \--> forget.requests (tombstone: compaction then removes the request)
     *                 \-> FeedbackErasure (the reader's opinions) --> feedback (a tombstone for each)
     */
    private static void addErasure(StreamsBuilder builder) {
        var requests = Topics.FORGET_REQUESTS;
        var digests = Topics.DIGESTS;
        KStream<String, String> forgetRequests =
                builder.stream(requests.name(), Consumed.with(requests.keySerde(), requests.valueSerde()));
        KStream<String, Digest> forgotten =
                forgetRequests.process(RecipientErasure::new, RecipientErasure.STORES.toArray(String[]::new));
        forgotten.to(digests.name(), Produced.with(digests.keySerde(), digests.valueSerde()));
        forgotten
                .mapValues(done -> (String) null)
                .to(requests.name(), Produced.with(requests.keySerde(), requests.valueSerde()));
        var feedback = Topics.FEEDBACK;
        forgetRequests
                .process(FeedbackErasure::new, FeedbackErasure.STORES.toArray(String[]::new))
                .to(
                        feedback.name(),
                        Produced.with(feedback.keySerde(), feedback.valueSerde())
                                .withStreamPartitioner(new FeedbackErasure.ByReader()));
    }

    /**
     * papers (upvoted, listed on a day) --> by day --> trending-days --> papers.trending --> global trending store
     *                                        \-> TrendingDigests (same task; at each subscription's digest hour) --> digests
     */
    private static void addTrending(
            StreamsBuilder builder,
            KStream<String, Paper> paperStream,
            SubscriptionMatcher matcher,
            DigestPolicy digestPolicy,
            TopologyCounters counters) {
        var papers = Topics.PAPERS;
        var trending = Topics.PAPERS_TRENDING;
        KStream<String, TrendingDay> days = paperStream
                .filter((id, paper) -> TrendingRanking.listed(paper))
                .selectKey((id, paper) -> paper.getListedOn().toString())
                .repartition(Repartitioned.<String, Paper>as(TRENDING_BY_DAY)
                        .withNumberOfPartitions(TRENDING_PARTITIONS)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(papers.valueSerde()))
                .groupByKey()
                // The initializer cannot know the day: update takes it from the key.
                .aggregate(
                        () -> TrendingRanking.empty(LocalDate.EPOCH),
                        (day, paper, known) -> TrendingRanking.update(LocalDate.parse(day), known, paper),
                        Materialized.<String, TrendingDay, KeyValueStore<Bytes, byte[]>>as(TRENDING_DAYS_STORE)
                                .withKeySerde(trending.keySerde())
                                .withValueSerde(trending.valueSerde()))
                .toStream();
        days.to(trending.name(), Produced.with(trending.keySerde(), trending.valueSerde()));
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(TRENDING_STORE),
                                trending.keySerde(),
                                trending.valueSerde())
                        .withLoggingDisabled(),
                trending.name(),
                Consumed.with(trending.keySerde(), trending.valueSerde()),
                () -> new StoreCopier<>(TRENDING_STORE));
        builder.addStateStore(taskStore(TrendingDigests.SENT_STORE, Serdes.Long()));
        var digests = Topics.DIGESTS;
        days.process(
                        () -> new TrendingDigests(digestPolicy, matcher, TRENDING_STORE, counters.digestsEmitted),
                        TrendingDigests.SENT_STORE)
                .mapValues(ShownPapers::of)
                .to(digests.name(), Produced.with(digests.keySerde(), digests.valueSerde()));
    }

    /**
     * A task's store, changelogged, behind the record cache ({@code streams.cache.max.bytes}): a key
     * written several times between two commits (a recipient's digest counts, once per alert) reaches
     * RocksDB and the changelog once.
     */
    private static <V> StoreBuilder<KeyValueStore<String, V>> taskStore(String name, Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
                .withCachingEnabled();
    }

    /** Kafka's list serde takes the list class raw; the cast is safe for a list of strings. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serde<List<String>> stringListSerde() {
        Serde raw = Serdes.ListSerde(ArrayList.class, Serdes.String());
        return raw;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serde<List<Long>> longListSerde() {
        Serde raw = Serdes.ListSerde(ArrayList.class, Serdes.Long());
        return raw;
    }

    /** Keeps a global store a copy of its topic, as its restoration does, and tells {@link #changed} of each change. */
    private static class StoreCopier<V> implements Processor<String, V, Void, Void> {

        private final String storeName;
        KeyValueStore<String, V> store;

        StoreCopier(String storeName) {
            this.storeName = storeName;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<String, V> record) {
            if (record.key() == null) {
                log.warn("Ignoring a record without a key on the topic of {}: {}", storeName, record.value());
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
            changed(record.key(), record.value());
        }

        /** @param value the new value, {@code null} for a tombstone */
        void changed(String key, V value) {}
    }

    /** Keeps the global store and the matcher in step with the subscriptions topic. */
    private static final class SubscriptionUpdater extends StoreCopier<Subscription> {

        private final SubscriptionMatcher matcher;
        private final SubscriptionShards shards;

        SubscriptionUpdater(SubscriptionMatcher matcher, SubscriptionShards shards) {
            super(SUBSCRIPTIONS_STORE);
            this.matcher = matcher;
            this.shards = shards;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            super.init(context);
            // The store was restored from the topic before init; restoration bypasses process().
            try (KeyValueIterator<String, Subscription> all = store.all()) {
                all.forEachRemaining(entry -> changed(entry.key, entry.value));
            }
        }

        @Override
        void changed(String id, Subscription subscription) {
            if (shards.sharded()) {
                shards.changed(id, subscription);
                if (SubscriptionShards.shardable(subscription)) {
                    // Its shard matches it; this matcher keeps only the trending ones.
                    matcher.update(id, null);
                    return;
                }
            }
            try {
                matcher.update(id, subscription);
            } catch (IllegalArgumentException e) {
                log.warn("Subscription {} is not matched: {}", id, e.getMessage());
            }
        }
    }

    /**
     * Turns one paper into at most one alert per recipient, skipping subscriptions already alerted
     * about it. Papers are keyed by id, so the record of what was alerted is local to the task.
     */
    private static final class PaperMatcher implements Processor<String, Paper, String, SpecificRecord> {

        private static final Duration SHARD_CATCH_UP = Duration.ofSeconds(1);

        private final SubscriptionMatcher matcher;
        private final boolean alertNewVersions;
        private final TopologyCounters counters;
        private final boolean byReference;
        private final SubscriptionShards shards;
        private final String alertedStore;
        private ProcessorContext<String, SpecificRecord> context;
        private KeyValueStore<String, List<String>> alerted;
        /** This task's shard, if papers are matched by shards. */
        private SubscriptionShards.Shard shard;

        PaperMatcher(
                SubscriptionMatcher matcher,
                boolean alertNewVersions,
                TopologyCounters counters,
                boolean byReference,
                SubscriptionShards shards,
                String alertedStore) {
            this.matcher = matcher;
            this.alertNewVersions = alertNewVersions;
            this.counters = counters;
            this.byReference = byReference;
            this.shards = shards;
            this.alertedStore = alertedStore;
        }

        @Override
        public void init(ProcessorContext<String, SpecificRecord> context) {
            this.context = context;
            this.alerted = context.getStateStore(alertedStore);
            if (shards.sharded()) {
                shard = shards.open(context.taskId().partition(), context.getStateStore(SUBSCRIPTIONS_STORE));
                // Changes are applied before each match anyway; this keeps the shard current (and
                // its count, which readiness and metrics read) while no paper arrives.
                context.schedule(SHARD_CATCH_UP, PunctuationType.WALL_CLOCK_TIME, now -> shard.matcher());
            }
        }

        @Override
        public void close() {
            if (shard != null) {
                shards.close(shard);
            }
        }

        @Override
        public void process(Record<String, Paper> record) {
            Paper paper = record.value();
            if (paper == null) {
                return;
            }
            String paperKey = alertNewVersions ? paper.getId() + "v" + paper.getVersion() : paper.getId();
            List<String> done = alerted.get(paperKey);
            List<String> nowDone = done == null ? new ArrayList<>() : new ArrayList<>(done);
            Set<String> skip = new HashSet<>(nowDone);
            Map<String, List<Match>> byRecipient = new TreeMap<>();
            for (Match match : (shard == null ? matcher : shard.matcher()).match(paper)) {
                if (!skip.add(match.subscription().getId())) {
                    continue;
                }
                nowDone.add(match.subscription().getId());
                byRecipient
                        .computeIfAbsent(MatchAlerts.recipient(match), r -> new ArrayList<>())
                        .add(match);
            }
            if (byRecipient.isEmpty()) {
                return;
            }
            alerted.put(paperKey, nowDone);
            counters.papersMatched.increment();
            counters.alertsEmitted.add(byRecipient.size());
            Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
            if (byReference && shard == null) {
                // The paper first: in the same transaction as its alerts, before any of them.
                context.forward(record.withKey(paper.getId()).withValue(paper));
            }
            // One reference for all of the paper's alerts: serialized as they are forwarded, never changed.
            Paper carried = byReference ? PaperClaims.reference(paper) : paper;
            byRecipient.forEach((recipient, matches) -> {
                Alert alert = MatchAlerts.alert(
                        recipient, carried, matches, now, AlertKind.LIVE, Instant.ofEpochMilli(record.timestamp()));
                // The query and the archive token (a secret of ~22 random characters that no compression
                // shrinks) are the subscription's, and only what is shown needs them: a digest takes them
                // from the subscription as it goes out (DigestScheduler), an archive page from the one it
                // shows, rather than each alert on alerts and its copy in the archive carrying them.
                alert.getReasons().forEach(reason -> {
                    reason.setQuery("");
                    reason.setArchiveToken(null);
                });
                if (byReference) {
                    alert.setPaperByReference(true);
                    PaperClaims.withCuts(alert, paper, explanations(matches));
                }
                context.forward(record.withKey(recipient).withValue(alert));
            });
        }

        private static Map<String, Explanation> explanations(List<Match> matches) {
            Map<String, Explanation> bySubscription = new HashMap<>();
            matches.forEach(m -> bySubscription.put(m.subscription().getId(), m.explanation()));
            return bySubscription;
        }
    }
}
