package io.paperalerts.topics;

import io.paperalerts.avro.AvroSerde;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.Feedback;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.TrendingDay;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;

/** The one catalogue of topics. Services name topics only through it. */
public final class Topics {

    /**
     * How long the topics that hold addresses and are not compacted (so a forgotten subscriber's
     * records cannot be removed one by one) keep anything: a week, the longest a forgotten address
     * stays on the cluster. Long enough to replay after an outage of a few days.
     */
    public static final long ADDRESS_RETENTION_MS = 7L * 24 * 3600 * 1000;

    /** Delete policy, kept {@link #ADDRESS_RETENTION_MS}: the topics whose records hold addresses. */
    private static final Map<String, String> HOLDS_ADDRESSES = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG,
            String.valueOf(ADDRESS_RETENTION_MS));

    private static final Map<String, String> COMPACTED =
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

    /** Papers keyed by canonical paper id. History is kept (no time limit) so backfills can reach far back. */
    public static final Topic<String, Paper> PAPERS = new Topic<>(
            "papers",
            Serdes.String(),
            AvroSerde.of(Paper.class),
            6,
            Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG,
                    "-1"));

    /** Latest state of each subscription keyed by subscription id; a tombstone removes it. */
    public static final Topic<String, Subscription> SUBSCRIPTIONS =
            new Topic<>("subscriptions", Serdes.String(), AvroSerde.of(Subscription.class), 3, COMPACTED);

    /** Alerts keyed by recipient, so one recipient's alerts stay in order on one partition. */
    public static final Topic<String, Alert> ALERTS =
            new Topic<>("alerts", Serdes.String(), AvroSerde.of(Alert.class), 6, HOLDS_ADDRESSES);

    /**
     * The papers that alerts name (key: paper id, its latest version alerted), written by the streams
     * service with each paper's alerts: the table behind the alerts' claim checks, which it reads
     * where it renders digests and archives. (A backfill's alerts, few, carry their papers whole.) Compacted: each paper stays as long as the papers
     * topic keeps it (for ever). A topic of its own, not {@link #PAPERS} read as a table: a topic
     * cannot be both the source of the matching stream and of a global store, and only the papers
     * that matched something need to be stored.
     */
    public static final Topic<String, Paper> PAPERS_ALERTED =
            new Topic<>("papers.alerted", Serdes.String(), AvroSerde.of(Paper.class), PAPERS.partitions(), COMPACTED);

    /**
     * On a {@link #DIGESTS} record without a value (key: the address): the address was forgotten
     * at this time (epoch millis, decimal), and the notifier erases its delivery record of it.
     */
    public static final String FORGET_HEADER = "paper-alerts.forgotten-at";

    /**
     * What the notifier emails: one record per email, an instant window, a day's or a week's
     * matches or a backfill of one recipient, keyed by recipient. Built by the streams service.
     * Each paper in it holds what the email shows of it (io.paperalerts.mail.ShownPapers): the
     * notifier reads no other topic, and the rest of the paper is not written once per recipient.
     * Once its recipient gave feedback, it also holds the recipient's order with reasons, how many
     * papers that order left out, and (if the service recommends papers) papers no subscription of
     * the recipient matched.
     */
    public static final Topic<String, Digest> DIGESTS =
            new Topic<>("digests", Serdes.String(), AvroSerde.of(Digest.class), 6, HOLDS_ADDRESSES);

    /**
     * Digests a recipient's mail server refused for now (SMTP 4xx), parked so they do not hold up
     * the other recipients of their partition; the attempt and the earliest next try are in headers.
     * Keyed and partitioned like {@link #DIGESTS}, so the notifier that owns a recipient's digests
     * owns its parked ones too.
     */
    public static final Topic<String, Digest> DIGESTS_RETRY = new Topic<>(
            "digests.retry", Serdes.String(), AvroSerde.of(Digest.class), DIGESTS.partitions(), HOLDS_ADDRESSES);

    /**
     * Records that could not be processed: the original key and value bytes, with the reason and
     * origin in headers (see {@link io.paperalerts.deadletter.DeadLetters}).
     */
    public static final Topic<byte[], byte[]> DEAD_LETTERS =
            new Topic<>("paper-alerts.dead-letters", Serdes.ByteArray(), Serdes.ByteArray(), 1, HOLDS_ADDRESSES);

    /** Input ingest could not read as a paper: the original bytes, with source, position and reason in headers. */
    public static final Topic<byte[], byte[]> PAPERS_REJECTED = new Topic<>(
            "papers.rejected",
            Serdes.ByteArray(),
            Serdes.ByteArray(),
            1,
            Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG,
                    String.valueOf(90L * 24 * 3600 * 1000)));

    /** Per ingest source (key: its name), what it already published, so a restart does not publish it again. */
    public static final Topic<String, String> INGEST_CHECKPOINTS =
            new Topic<>("ingest.checkpoints", Serdes.String(), Serdes.String(), 1, COMPACTED);

    /**
     * The delivery record: one record per email accepted, keyed by the recipient, a space,
     * NUL and a hash of its papers (two records with one key name the same papers), its value the
     * Message-ID and then every paper id, one per line; the record's timestamp is when. Records of
     * notifiers before this format are one pair each, keyed {@code recipient paper-id} and valued
     * {@code Message-ID time}. Compacted, so it keeps every pair.
     * Partitioned like {@link #DIGESTS}: each record goes to {@code DIGESTS.partitionOf(recipient)},
     * so the notifier that owns a partition of digests needs that partition of the record only.
     */
    public static final Topic<String, String> DELIVERIES =
            new Topic<>("deliveries", Serdes.String(), Serdes.String(), DIGESTS.partitions(), COMPACTED);

    /** Digests the SMTP server refused for good (5xx, malformed address): the digest bytes, the SMTP reply in headers. */
    public static final Topic<byte[], byte[]> DELIVERIES_FAILED =
            new Topic<>("deliveries.failed", Serdes.ByteArray(), Serdes.ByteArray(), 1, HOLDS_ADDRESSES);

    /**
     * Backfills asked for by confirmed registrations (key: subscription id, value: the subscription
     * as confirmed), worked through by the streams service: a crash between the confirmation and
     * the backfill loses nothing, and the delivery record keeps a backfill run twice from sending
     * twice.
     */
    public static final Topic<String, Subscription> BACKFILL_REQUESTS =
            new Topic<>("backfill.requests", Serdes.String(), AvroSerde.of(Subscription.class), 1, HOLDS_ADDRESSES);

    /**
     * Per address that asked for a new manage link (key: the address), the generation of its manage
     * links: links of an older generation are refused. Compacted; addresses that never asked have
     * none (generation 0).
     */
    public static final Topic<String, String> MANAGE_GENERATIONS =
            new Topic<>("manage.generations", Serdes.String(), Serdes.String(), 1, COMPACTED);

    /**
     * Per day a daily list carried papers (key: ISO date), the upvoted ones with their latest
     * counts, most upvoted first: what trending subscriptions, their backfills and the front page
     * rank. Written by the streams service from {@code papers}; one partition, so one task
     * schedules every trending digest. Compacted, and days older than the retention are dropped.
     */
    public static final Topic<String, TrendingDay> PAPERS_TRENDING = new Topic<>(
            "papers.trending",
            Serdes.String(),
            AvroSerde.of(TrendingDay.class),
            1,
            Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG,
                    String.valueOf(90L * 24 * 3600 * 1000)));

    /**
     * Subscribers to forget (key: the address as alerts are keyed, value: when it was asked, epoch
     * millis): the streams service erases the address from its stores and tells the notifier, then
     * writes a tombstone, so once compacted the topic no longer holds the address. Partitioned like
     * {@link #ALERTS}, so a request reaches the task that holds the address's digests and archive.
     */
    public static final Topic<String, String> FORGET_REQUESTS = new Topic<>(
            "forget.requests",
            Serdes.String(),
            Serdes.String(),
            ALERTS.partitions(),
            Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT,
                    // A request is read within seconds; its tombstone has nothing to tell a late reader.
                    TopicConfig.DELETE_RETENTION_MS_CONFIG,
                    String.valueOf(3600L * 1000)));

    /**
     * Readers' "more like this" and "less like this": key {@code recipient NUL paper-id}
     * ({@link io.paperalerts.feedback.FeedbackKeys}), one opinion per paper, a tombstone undoes it.
     * Each record goes to {@code ALERTS.partitionOf(recipient)}, so the task that holds a recipient's
     * digests learns its ranking from it. Compacted and kept for ever: the rankings are derived from
     * it, rebuilt on replay; forgetting a subscriber writes a tombstone under {@code recipient NUL}
     * (its end, after every opinion it saved), and the streams service one for each of its opinions.
     */
    public static final Topic<String, Feedback> FEEDBACK =
            new Topic<>("feedback", Serdes.String(), AvroSerde.of(Feedback.class), ALERTS.partitions(), COMPACTED);

    /**
     * Backfill digests on their way to {@link #DIGESTS}, with whole papers: the streams service puts
     * each in its reader's order (once the reader gave feedback) and cuts its papers to what the
     * email shows. Keyed by recipient and partitioned like {@link #ALERTS}, so the task that holds the
     * reader's ranking model reads it.
     */
    public static final Topic<String, Digest> DIGESTS_BACKFILL = new Topic<>(
            "digests.backfill", Serdes.String(), AvroSerde.of(Digest.class), ALERTS.partitions(), HOLDS_ADDRESSES);

    public static final List<Topic<?, ?>> ALL = List.of(
            PAPERS,
            SUBSCRIPTIONS,
            ALERTS,
            PAPERS_ALERTED,
            DIGESTS,
            DIGESTS_RETRY,
            DEAD_LETTERS,
            PAPERS_REJECTED,
            INGEST_CHECKPOINTS,
            DELIVERIES,
            DELIVERIES_FAILED,
            BACKFILL_REQUESTS,
            MANAGE_GENERATIONS,
            PAPERS_TRENDING,
            FORGET_REQUESTS,
            FEEDBACK,
            DIGESTS_BACKFILL);

    private Topics() {}
}
