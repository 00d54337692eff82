package io.paperalerts.streams;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.kafka.KafkaStartup;
import io.paperalerts.kafka.ServiceAccess;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.operations.BrokerCheck;
import io.paperalerts.operations.Health;
import io.paperalerts.operations.ServiceMetrics;
import io.paperalerts.queries.MatchArchive;
import io.paperalerts.queries.ReaderOpinions;
import io.paperalerts.queries.Recipients;
import io.paperalerts.queries.SubscriptionDirectory;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.ReaderModelState;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.archive.ArchiveKeys;
import io.paperalerts.streams.archive.ArchiveWriter;
import io.paperalerts.streams.claims.PaperClaims;
import io.paperalerts.streams.digest.DigestScheduler;
import io.paperalerts.streams.failure.StreamsFailurePolicy;
import io.paperalerts.streams.ranking.AnalysedPapers;
import io.paperalerts.streams.ranking.DigestRanking;
import io.paperalerts.streams.ranking.FeedbackRecorder;
import io.paperalerts.streams.ranking.ReaderModels;
import io.paperalerts.streams.sharding.SubscriptionShards;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Runs the alert topology: creates missing topics, starts Kafka Streams, closes it cleanly. */
public final class AlertStreamsService implements SubscriptionDirectory, MatchArchive, ReaderOpinions, AutoCloseable {

    private final KafkaStreams streams;
    private final SubscriptionMatcher matcher;
    private final SubscriptionShards shards;
    private final StreamsFailurePolicy failurePolicy;
    private final TopologyCounters counters = new TopologyCounters();

    public AlertStreamsService(StreamsServiceConfig config) {
        this(config, Clock.systemUTC());
    }

    /** @param digestClock what time it is for digest schedules (a test moves it through a day) */
    public AlertStreamsService(StreamsServiceConfig config, Clock digestClock) {
        this(config, digestClock, new SubscriptionMatcher());
    }

    /** @param matcher the matcher the topology uses (a fault test gives one that throws) */
    public AlertStreamsService(StreamsServiceConfig config, Clock digestClock, SubscriptionMatcher matcher) {
        KafkaClients clients = KafkaClients.of(config);
        KafkaStartup.prepare(
                clients,
                ServiceAccess.streams(config.getString(StreamsServiceConfig.APPLICATION_ID)),
                config.getShort(CommonConfig.REPLICATION_FACTOR));
        try (Admin admin = clients.admin()) {
            // A forget request, a reader's feedback and a backfill's digest must reach the task that
            // holds the address's alerts (its digests, archive and ranking).
            TopicProvisioner.requireSamePartitions(
                    admin, Topics.ALERTS, Topics.FORGET_REQUESTS, Topics.FEEDBACK, Topics.DIGESTS_BACKFILL);
        }
        this.matcher = matcher;
        this.shards = new SubscriptionShards(config.getInt(StreamsServiceConfig.MATCHING_SHARDS));
        this.failurePolicy = config.failurePolicy();
        Properties properties = clients.streamsConfig(config.streamsProperties());
        failurePolicy.configure(properties);
        failurePolicy.explainWith(clients);
        this.streams = new KafkaStreams(
                AlertTopology.build(
                        matcher,
                        config.getBoolean(StreamsServiceConfig.ALERT_NEW_VERSIONS),
                        config.digestPolicy().withClock(digestClock),
                        config.archivePolicy(),
                        counters,
                        config.getBoolean(StreamsServiceConfig.ALERTS_BY_REFERENCE),
                        shards),
                properties);
        failurePolicy.attach(streams);
    }

    /**
     * Completes with the reason once this service can no longer work (Kafka Streams in ERROR or
     * stopped by itself): the process must then exit non-zero. See {@link StreamsFailurePolicy}.
     */
    public CompletableFuture<String> terminated() {
        return failurePolicy.terminated();
    }

    public AlertStreamsService start() {
        streams.start();
        return this;
    }

    /** Blocks until every thread runs, i.e. the subscriptions are loaded and papers are being read. */
    public void awaitRunning(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("Kafka Streams stopped while starting: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Kafka Streams not running after " + timeout + ": " + streams.state());
            }
            Thread.sleep(20);
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Tasks this instance processes now; instances of one application share the partitions. */
    public int activeTasks() {
        return streams.metadataForLocalThreads().stream()
                .mapToInt(t -> t.activeTasks().size())
                .sum();
    }

    /** Digests gathered but not yet due, on this instance (for a quiescence check; counts by iterating). */
    public long pendingDigests() {
        try (KeyValueIterator<String, Digest> all = digestBuffers().all()) {
            return count(all);
        }
    }

    /** Digests of one delivery mode gathered but not yet due, on this instance. */
    public long pendingDigests(DeliveryMode mode) {
        try (KeyValueIterator<String, Digest> open =
                digestBuffers().prefixScan(DigestScheduler.bufferKey(mode, ""), new StringSerializer())) {
            return count(open);
        }
    }

    private ReadOnlyKeyValueStore<String, Digest> digestBuffers() {
        return streams.store(StoreQueryParameters.fromNameAndType(
                DigestScheduler.BUFFERS_STORE, QueryableStoreTypes.<String, Digest>keyValueStore()));
    }

    private static long count(KeyValueIterator<String, Digest> entries) {
        long count = 0;
        while (entries.hasNext()) {
            entries.next();
            count++;
        }
        return count;
    }

    /** Digests emitted since this instance started (instant, daily, weekly, trending). */
    public long digestsEmitted() {
        return counters.digestsEmitted.sum();
    }

    /** Papers waiting in this recipient's digests on this instance. */
    public long pendingPapers(String recipient) {
        ReadOnlyKeyValueStore<String, List<Long>> sizes = streams.store(StoreQueryParameters.fromNameAndType(
                DigestScheduler.BUFFER_SIZES_STORE, QueryableStoreTypes.<String, List<Long>>keyValueStore()));
        long count = 0;
        for (DeliveryMode mode : DeliveryMode.values()) {
            count += DigestScheduler.listed(sizes.get(DigestScheduler.bufferKey(mode, recipient)));
        }
        return count;
    }

    /** A subscription as the streams service knows it (its global store, read by interactive query). */
    @Override
    public Optional<Subscription> subscription(String id) {
        return Optional.ofNullable(subscriptions().get(id));
    }

    /**
     * Every subscription of one address, in any status. A scan of the store: fine for the pages
     * people open, not for a hot path.
     */
    @Override
    public List<Subscription> subscriptionsOf(String email) {
        List<Subscription> found = new ArrayList<>();
        try (KeyValueIterator<String, Subscription> all = subscriptions().all()) {
            all.forEachRemaining(entry -> {
                if (Recipients.same(entry.value.getEmail(), email)) {
                    found.add(entry.value);
                }
            });
        }
        found.sort(Comparator.comparing(Subscription::getCreated).thenComparing(Subscription::getId));
        return found;
    }

    /** Subscriptions still pending that were created before {@code created}: a scan, for a periodic sweep. */
    @Override
    public List<Subscription> pendingCreatedBefore(Instant created) {
        List<Subscription> found = new ArrayList<>();
        try (KeyValueIterator<String, Subscription> all = subscriptions().all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.getStatus() == SubscriptionStatus.PENDING
                        && entry.value.getCreated().isBefore(created)) {
                    found.add(entry.value);
                }
            });
        }
        return found;
    }

    private ReadOnlyKeyValueStore<String, Subscription> subscriptions() {
        return streams.store(StoreQueryParameters.fromNameAndType(
                AlertTopology.SUBSCRIPTIONS_STORE, QueryableStoreTypes.<String, Subscription>keyValueStore()));
    }

    @Override
    public Location locate(String recipient) {
        // The store is partitioned like alerts: whoever processes that partition of alerts holds it.
        TopicPartition partition = new TopicPartition(Topics.ALERTS.name(), Topics.ALERTS.partitionOf(recipient));
        boolean here = streams.metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .anyMatch(task -> task.topicPartitions().contains(partition));
        if (here) {
            return new Here();
        }
        KeyQueryMetadata owner = streams.queryMetadataForKey(ArchiveWriter.STORE, recipient, new StringSerializer());
        if (streams.state() != KafkaStreams.State.RUNNING
                || owner == null
                || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)
                || HostInfo.unavailable().equals(owner.activeHost())) {
            return new Unavailable(
                    streams.state() == KafkaStreams.State.RUNNING
                            ? "another instance holds it and streams.application.server is not set"
                            : "the service is " + streams.state().name().toLowerCase(Locale.ROOT));
        }
        return new Elsewhere(owner.activeHost().host(), owner.activeHost().port());
    }

    /**
     * Entries whose paper the papers table does not hold yet (it trails the alerts by moments) are
     * left off the page until it does.
     */
    @Override
    public Page read(String recipient, String subscriptionId, int offset, int limit) {
        List<Alert> entries = new ArrayList<>();
        int total = 0;
        ReadOnlyKeyValueStore<String, Paper> papers = papersTable();
        try (KeyValueIterator<String, Alert> matches =
                archive(recipient).prefixScan(ArchiveKeys.prefix(recipient, subscriptionId), new StringSerializer())) {
            while (matches.hasNext()) {
                Alert entry = PaperClaims.redeemed(matches.next().value, papers::get);
                if (entry == null) {
                    continue;
                }
                if (total >= offset && entries.size() < limit) {
                    entries.add(entry);
                }
                total++;
            }
        }
        return new Page(entries, total);
    }

    @Override
    public List<Feedback> opinions(String recipient) {
        return List.copyOf(FeedbackRecorder.opinionsOf(heldFor(FeedbackRecorder.STORE, recipient), recipient)
                .values());
    }

    /**
     * The reader's ranking model, empty before it gave feedback (or before it is learnt).
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException where the reader is not held
     */
    public Optional<ReaderModelState> model(String recipient) {
        return Optional.ofNullable(
                this.<ReaderModelState>heldFor(ReaderModels.STORE, recipient).get(recipient));
    }

    @Override
    public Optional<ReaderOpinions.Ordered> inReaderOrder(String recipient, List<Alert> alerts) {
        // Requests run at once: each analyses its own (at most 50) papers.
        return model(recipient).map(state -> DigestRanking.order(alerts, state, new AnalysedPapers(0)));
    }

    @Override
    public Optional<Paper> alertedPaper(String paperId) {
        return Optional.ofNullable(papersTable().get(paperId));
    }

    /** The global table of the papers alerts name. */
    private ReadOnlyKeyValueStore<String, Paper> papersTable() {
        return streams.store(StoreQueryParameters.fromNameAndType(
                PaperClaims.STORE, QueryableStoreTypes.<String, Paper>keyValueStore()));
    }

    /** The archive store's partition holding this recipient, if this instance is its active owner. */
    private ReadOnlyKeyValueStore<String, Alert> archive(String recipient) {
        return heldFor(ArchiveWriter.STORE, recipient);
    }

    /**
     * The partition of a store partitioned like {@code alerts} that holds this recipient, if this
     * instance is its active owner (the archive, the readers' feedback and models).
     */
    private <V> ReadOnlyKeyValueStore<String, V> heldFor(String storeName, String recipient) {
        return streams.store(
                StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<String, V>keyValueStore())
                        .withPartition(Topics.ALERTS.partitionOf(recipient)));
    }

    /** Kafka Streams' own metrics (its clients' included) and what the topology did, in the service's registry. */
    public void bindTo(MeterRegistry registry) {
        new KafkaStreamsMetrics(streams).bindTo(registry);
        FunctionCounter.builder(ServiceMetrics.PREFIX + "papers.matched", counters.papersMatched, LongAdder::sum)
                .description("Papers that matched at least one subscription")
                .register(registry);
        FunctionCounter.builder(ServiceMetrics.PREFIX + "alerts.emitted", counters.alertsEmitted, LongAdder::sum)
                .description("Alerts written, one per (recipient, paper)")
                .register(registry);
        FunctionCounter.builder(ServiceMetrics.PREFIX + "digests.emitted", counters.digestsEmitted, LongAdder::sum)
                .description("Digests written, one per email to send")
                .register(registry);
        FunctionCounter.builder(
                        ServiceMetrics.PREFIX + "records.dead.lettered",
                        failurePolicy,
                        StreamsFailurePolicy::deadLettered)
                .description("Records written to the dead-letter topic: unreadable, or their processing threw")
                .register(registry);
        Gauge.builder(ServiceMetrics.PREFIX + "subscriptions.active", this, AlertStreamsService::activeSubscriptions)
                .description(
                        "Active subscriptions being matched by this instance (with shards: by the shards it holds)")
                .register(registry);
    }

    /**
     * Live while Kafka Streams has not failed for good; ready when it runs, its subscriptions store
     * answers, and the cluster answers ({@code broker}).
     */
    public Health health(BrokerCheck broker) {
        return Health.of(
                this::streamsAlive,
                () -> streamsRunning().and(this::subscriptionsReadable).and(broker::status));
    }

    private Health.Status streamsAlive() {
        KafkaStreams.State state = streams.state();
        boolean failed =
                terminated().isDone() || state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR;
        return failed
                ? Health.Status.down("Kafka Streams is " + state
                        + (terminated().isDone() ? ": " + terminated().join() : ""))
                : Health.Status.up();
    }

    private Health.Status streamsRunning() {
        return streams.state() == KafkaStreams.State.RUNNING
                ? Health.Status.up()
                : Health.Status.down("Kafka Streams is " + streams.state() + ", not RUNNING");
    }

    private Health.Status subscriptionsReadable() {
        try {
            subscriptions().approximateNumEntries();
            return Health.Status.up();
        } catch (InvalidStateStoreException e) {
            return Health.Status.down("the subscriptions store cannot be read: " + e.getMessage());
        }
    }

    /** Active subscriptions this instance matches: every one, or with shards those of the shards it holds. */
    public int activeSubscriptions() {
        return matcher.size() + shards.size();
    }

    /** The shards of the subscriptions this instance holds now (none unless {@code streams.matching.shards} is set). */
    public Set<Integer> heldShards() {
        return shards.held();
    }

    /**
     * Stops and leaves the consumer group, so the remaining or restarted instances take over the
     * partitions at once instead of after the session timeout.
     */
    @Override
    public void close() {
        failurePolicy.closing();
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
