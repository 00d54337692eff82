package io.paperalerts.bench;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.feedback.FeedbackKeys;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.notifier.AlertNotifier;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.registration.SubscriptionRules;
import io.paperalerts.schemas.DeliveryMode;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Opinion;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.streams.AlertStreamsService;
import io.paperalerts.streams.AlertTopology;
import io.paperalerts.streams.MatchAlerts;
import io.paperalerts.streams.StreamsServiceConfig;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * One run of the whole pipeline: the streams service and the notifier (as their commands run
 * them) with a fresh application id, state folders and recipients, so that runs on one cluster
 * do not see each other's papers, subscriptions or deliveries. It writes the run's subscriptions
 * to the compacted topic (and removes them at the end), and keeps an oracle: a matcher of its
 * own with the same subscriptions, which says which (recipient, paper) pairs must be emailed.
 */
final class BenchPipeline implements AutoCloseable {

    static final String MARKER_WORD = "zzbenchmarker";

    private final String bootstrap;
    private final KafkaClients clients;
    private final String runId;
    private final Path work;
    private final Admin admin;
    private final KafkaProducer<String, Paper> papers;
    private final SubscriptionMatcher oracle = new SubscriptionMatcher();
    private final List<String> subscriptionIds = new ArrayList<>();
    private final List<String> markerRecipients = new ArrayList<>();
    private final Map<String, Object> streamsOverrides;
    private final Map<String, Object> notifierOverrides;
    private AlertStreamsService streams;
    /** The repartition topic that sends papers to the shards, once started with shards; {@code null} without. */
    private String shardsTopic;

    private AlertNotifier notifier;
    private int sent;

    /**
     * @param streamsOverrides settings of the streams service beyond the run's own (e.g. the
     *     instant window)
     */
    /** @param notifierOverrides settings of the notifier, over the defaults */
    BenchPipeline(
            String bootstrap,
            short replication,
            String runId,
            Map<String, Object> streamsOverrides,
            Map<String, Object> notifierOverrides)
            throws IOException {
        this.bootstrap = bootstrap;
        this.notifierOverrides = Map.copyOf(notifierOverrides);
        this.runId = runId;
        this.work = Files.createTempDirectory("paper-alerts-pipeline-bench-");
        this.streamsOverrides = new HashMap<>(streamsOverrides);
        this.streamsOverrides.put(CommonConfig.REPLICATION_FACTOR, String.valueOf(replication));
        KafkaClients clients = KafkaClients.of(bootstrap);
        this.clients = clients;
        this.admin = clients.admin();
        TopicProvisioner.createMissing(admin, Topics.ALL, replication);
        // Compressed as ingest's PaperPublisher writes them, so that the bytes of `papers` are production's.
        this.papers = clients.producer(
                Map.of(
                        ProducerConfig.LINGER_MS_CONFIG,
                        1,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "zstd"),
                Topics.PAPERS.keySerde().serializer(),
                Topics.PAPERS.valueSerde().serializer());
    }

    String runId() {
        return runId;
    }

    /** Starts the streams service, reading only papers written from now on. */
    void startStreams() throws Exception {
        startStreams(true);
    }

    /** @param fromEnd whether it reads only what is written from now on (else from its committed offsets) */
    void startStreams(boolean fromEnd) throws Exception {
        if (fromEnd) {
            startFromEnd(runId, List.of(Topics.PAPERS.name(), Topics.ALERTS.name()));
        }
        Map<String, Object> config = new HashMap<>(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS,
                bootstrap,
                StreamsServiceConfig.APPLICATION_ID,
                runId,
                StreamsServiceConfig.STATE_DIR,
                work.resolve("streams").toString(),
                StreamsServiceConfig.COMMIT_INTERVAL_MS,
                "100"));
        config.putAll(streamsOverrides);
        StreamsServiceConfig serviceConfig = new StreamsServiceConfig(config);
        int shards = serviceConfig.getInt(StreamsServiceConfig.MATCHING_SHARDS);
        shardsTopic = shards == 0 ? null : runId + "-" + AlertTopology.papersByShard(shards) + "-repartition";
        streams = new AlertStreamsService(serviceConfig).start();
        streams.awaitRunning(Duration.ofMinutes(3));
    }

    /** Starts the notifier, sending only digests written from now on. */
    void startNotifier(int smtpPort) throws Exception {
        String group = runId + "-notifier";
        startFromEnd(group, List.of(Topics.DIGESTS.name(), Topics.DIGESTS_RETRY.name()));
        Map<String, Object> settings = new HashMap<>(notifierOverrides);
        settings.putAll(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS,
                bootstrap,
                CommonConfig.REPLICATION_FACTOR,
                streamsOverrides.get(CommonConfig.REPLICATION_FACTOR),
                MailConfig.SMTP_HOST,
                "127.0.0.1",
                MailConfig.SMTP_PORT,
                String.valueOf(smtpPort),
                MailConfig.TOKEN_SECRET,
                "pipeline-benchmark-secret-0123456789",
                NotifierConfig.GROUP_ID,
                group,
                NotifierConfig.STATE_DIR,
                work.resolve("notifier").toString()));
        notifier = new AlertNotifier(new NotifierConfig(settings), new AlertNotifier.Listener() {});
        notifier.start();
    }

    /** Commits the group's offsets at the topics' ends, so that it reads nothing written before. */
    private void startFromEnd(String group, List<String> topics) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (var description :
                admin.describeTopics(topics).allTopicNames().get().values()) {
            description
                    .partitions()
                    .forEach(p ->
                            latest.put(new TopicPartition(description.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        admin.listOffsets(latest)
                .all()
                .get()
                .forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
        admin.alterConsumerGroupOffsets(group, offsets).all().get();
    }

    /**
     * Writes {@code count} active instant subscriptions of the matching benchmark's mix, one
     * recipient each, plus one marker subscription on each partition of {@code digests} (the
     * positive control: a marker paper sent last reaches every partition after what came before).
     */
    void subscribe(SyntheticCorpus corpus, int count, DeliveryMode mode) throws Exception {
        Instant now = Instant.now();
        try (var producer = bulkProducer(Topics.SUBSCRIPTIONS)) {
            for (int i = 0; i < count; i++) {
                write(producer, subscription(runId + "-s" + i, recipient(i), corpus.subscription(), mode, now));
            }
            int partitions = Topics.DIGESTS.partitions();
            for (int n = 0; markerRecipients.size() < partitions; n++) {
                String recipient = "marker" + n + "@" + runId + ".bench";
                int partition =
                        Utils.toPositive(Utils.murmur2(recipient.getBytes(StandardCharsets.UTF_8))) % partitions;
                if (markerRecipients.stream().noneMatch(r -> partitionOf(r, partitions) == partition)) {
                    markerRecipients.add(recipient);
                    write(producer, subscription(runId + "-m" + n, recipient, MARKER_WORD, DeliveryMode.INSTANT, now));
                }
            }
            producer.flush();
        }
        int expected = subscriptionIds.size();
        await(
                Duration.ofMinutes(5),
                "the streams service to load " + expected + " subscriptions",
                () -> streams.activeSubscriptions() >= expected);
    }

    /**
     * Gives {@code readers} of the subscribers ({@code r0}, {@code r1}, ...) {@code opinions} clicks
     * each on papers already published (the first {@code published} of the corpus): one in three
     * "more like this", the others "less", as the links in emails write them. Waits until the
     * streams service has read them all, each learnt as it arrived.
     */
    void giveFeedback(SyntheticCorpus corpus, int readers, int opinions, int published) throws Exception {
        var topic = Topics.FEEDBACK;
        Instant now = Instant.now();
        try (var producer = bulkProducer(topic)) {
            for (int r = 0; r < readers; r++) {
                String reader = recipient(r);
                for (int k = 0; k < opinions; k++) {
                    Paper paper = paper(corpus, (r * 7 + k * 13) % published);
                    Feedback feedback = new Feedback(
                            reader, paper.getId(), k % 3 == 0 ? Opinion.MORE : Opinion.LESS, paper.getTitle(), now);
                    producer.send(new ProducerRecord<>(
                            topic.name(),
                            FeedbackKeys.partition(reader),
                            FeedbackKeys.key(reader, paper.getId()),
                            feedback));
                }
            }
            producer.flush();
        }
        await(Duration.ofMinutes(10), "the streams service to learn from the feedback", () -> lag(topic.name()) == 0);
    }

    /** The address of the run's {@code i}th subscriber. */
    private String recipient(int i) {
        return "r" + i + "@" + runId + ".bench";
    }

    /** A producer for writing many records at once before a run. */
    private <K, V> KafkaProducer<K, V> bulkProducer(Topic<K, V> topic) {
        return clients.producer(
                Map.<String, Object>of(
                        ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer());
    }

    private static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private void write(KafkaProducer<String, Subscription> producer, Subscription subscription) {
        subscriptionIds.add(subscription.getId());
        oracle.update(subscription.getId(), subscription);
        producer.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS.name(), subscription.getId(), subscription));
    }

    /** A subscription as registration makes it: confirmed, with its archive token (a secret of 22 random characters). */
    static Subscription subscription(String id, String email, String query, DeliveryMode mode, Instant now) {
        return Subscription.newBuilder()
                .setId(id)
                .setEmail(email)
                .setQuery(query)
                .setDelivery(mode)
                .setStatus(SubscriptionStatus.ACTIVE)
                .setCreated(now)
                .setConfirmed(now)
                .setTimezone("UTC")
                .setArchiveToken(SubscriptionRules.newArchiveToken())
                .build();
    }

    /** The run's own copy of a corpus paper, with an id no other run uses. */
    Paper paper(SyntheticCorpus corpus, int i) {
        Paper paper = corpus.paper(i);
        String id = runId + "-" + i;
        paper.setId(id);
        paper.setUrl("https://papers.example.org/abs/" + id);
        paper.setPublished(Instant.now());
        return paper;
    }

    /** A paper only the marker subscriptions match. */
    Paper marker(int n) {
        String id = runId + "-marker-" + n;
        return Paper.newBuilder()
                .setId(id)
                .setTitle("Marker " + MARKER_WORD)
                .setSource("benchmark")
                .build();
    }

    List<String> markerRecipients() {
        return markerRecipients;
    }

    /** The recipients the oracle says the paper must be emailed to. */
    List<String> expectedRecipients(Paper paper) {
        return oracle.match(paper).stream()
                .map(MatchAlerts::recipient)
                .distinct()
                .toList();
    }

    /** Sends a paper stamped with the time of sending; returns that time. */
    long send(Paper paper) {
        long now = System.currentTimeMillis();
        papers.send(new ProducerRecord<>(Topics.PAPERS.name(), null, now, paper.getId(), paper));
        sent++;
        return now;
    }

    void flush() {
        papers.flush();
    }

    int sent() {
        return sent;
    }

    /** Papers written but not yet processed by the streams service (its committed offsets on papers). */
    long papersLag() {
        return lag(Topics.PAPERS.name()) + shardsLag();
    }

    /**
     * With {@code streams.matching.shards}, papers the shards have not matched yet: a paper read
     * from {@code papers} is only on its way to them. Their topic is written in transactions, so
     * each partition ends with a commit marker, which is not a paper.
     */
    private long shardsLag() {
        if (shardsTopic == null) {
            return 0;
        }
        return lags(shardsTopic).values().stream()
                .mapToLong(l -> Math.max(0, l - 1))
                .sum();
    }

    /** Alerts the streams service has not taken into its archive and digest buffers yet. */
    long alertsLag() {
        return lag(Topics.ALERTS.name());
    }

    private long lag(String topic) {
        return lags(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Whether the streams service has processed every alert on {@code alerts} (its archive and
     * digest stores written): at most one record is left per partition, the marker that ends the
     * last transaction, which Kafka Streams may commit before or after.
     */
    boolean alertsSettled() {
        return lags(Topics.ALERTS.name()).values().stream().allMatch(lag -> lag <= 1);
    }

    /**
     * Per partition of the topic, records the streams service has not committed yet (all of a
     * partition it has committed nothing on).
     */
    private Map<TopicPartition, Long> lags(String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(runId)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> lags = new HashMap<>();
            for (var entry : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata at = committed.get(entry.getKey());
                lags.put(entry.getKey(), entry.getValue().offset() - (at == null ? 0 : at.offset()));
            }
            return lags;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Reading the lag of " + runId + " on " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted reading the lag of " + runId + " on " + topic, e);
        }
    }

    AlertStreamsService streams() {
        return streams;
    }

    AlertNotifier notifier() {
        return notifier;
    }

    /** Stops the streams service (for a replay: its group must be empty to be rewound). */
    void stopStreams() {
        streams.close();
    }

    /** Bytes on disk of the streams service's and the notifier's state folders. */
    long stateBytes(String service) {
        Path folder = work.resolve(service);
        if (!Files.exists(folder)) {
            return 0;
        }
        try (var files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Admin admin() {
        return admin;
    }

    static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Stops both services, removes the run's subscriptions from the topic and its folders from the disk. */
    @Override
    public void close() throws IOException {
        if (notifier != null) {
            notifier.close();
        }
        if (streams != null) {
            streams.close();
        }
        papers.close();
        var topic = Topics.SUBSCRIPTIONS;
        try (var producer = clients.producer(
                Map.<String, Object>of(ProducerConfig.LINGER_MS_CONFIG, 20),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            for (String id : subscriptionIds) {
                producer.send(new ProducerRecord<>(topic.name(), id, null));
            }
        }
        admin.close();
        try (var files = Files.walk(work)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** The heap after a collection, and the state on disk of each service. */
    String memory() {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return String.format(
                "%,d MB, RSS %,d MB | streams %,d MB, notifier %,d MB",
                heap >> 20, residentMb(), stateBytes("streams") >> 20, stateBytes("notifier") >> 20);
    }

    /**
     * The whole benchmark process's resident memory now (heap, the broker, RocksDB's native memory),
     * from Linux's /proc; -1 elsewhere. Runs side by side in one JVM differ by what their settings
     * change, RocksDB's memory above all.
     */
    private static long residentMb() {
        try {
            return ProcessStatus.mb("self", "VmRSS");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
