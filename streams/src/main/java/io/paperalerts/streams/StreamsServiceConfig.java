package io.paperalerts.streams;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.config.GroupMembership;
import io.paperalerts.streams.archive.ArchivePolicy;
import io.paperalerts.streams.digest.DigestPolicy;
import io.paperalerts.streams.failure.StreamsFailurePolicy;
import io.paperalerts.topics.Topics;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/** Configuration of the streams service, and the Kafka Streams properties derived from it. */
public final class StreamsServiceConfig extends AbstractConfig {

    public static final String APPLICATION_ID = "streams.application.id";
    public static final String STATE_DIR = "streams.state.dir";
    public static final String COMMIT_INTERVAL_MS = "streams.commit.interval.ms";
    public static final String NUM_THREADS = "streams.num.threads";
    public static final String COMPRESSION_TYPE = "streams.compression.type";
    public static final String BATCH_SIZE = "streams.producer.batch.size";
    public static final String CACHE_MAX_BYTES = "streams.cache.max.bytes";
    public static final String ROCKSDB_MEMORY_MB = "streams.rocksdb.memory.mb";
    public static final String ALERT_NEW_VERSIONS = "streams.alert.new.versions";
    public static final String ALERTS_BY_REFERENCE = "streams.alerts.by.reference";
    public static final String MATCHING_SHARDS = "streams.matching.shards";
    public static final String INSTANT_WINDOW_MS = "digest.instant.window.ms";
    public static final String DAILY_HOUR = "digest.daily.hour";
    public static final String WEEKLY_DAY = "digest.weekly.day";
    public static final String MAX_PAPERS = "digest.max.papers";
    public static final String MAX_EMAILS_PER_HOUR = "digest.max.emails.per.hour";
    public static final String CHECK_INTERVAL_MS = "digest.check.interval.ms";
    public static final String RECOMMENDATIONS_PER_WEEK = "digest.recommendations.per.week";
    public static final String FAILED_RECORDS_MAX = "streams.failed.records.max";
    public static final String THREAD_REPLACEMENTS_MAX = "streams.thread.replacements.max";
    public static final String FAILURE_WINDOW_MS = "streams.failure.window.ms";
    public static final String APPLICATION_SERVER = "streams.application.server";
    public static final String ARCHIVE_MIN_ENTRIES = "archive.min.entries";
    public static final String ARCHIVE_RETENTION_DAYS = "archive.retention.days";
    public static final String METRICS_PORT = "streams.metrics.port";

    public static final ConfigDef DEFINITION = GroupMembership.define(CommonConfig.define(new ConfigDef()))
            .define(
                    APPLICATION_ID,
                    Type.STRING,
                    "paper-alerts-streams",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Kafka Streams application id: the consumer group and the prefix of internal topics")
            .define(
                    STATE_DIR,
                    Type.STRING,
                    "/tmp/paper-alerts-streams",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Folder of the local state stores (rebuilt from Kafka when missing)")
            .define(
                    COMMIT_INTERVAL_MS,
                    Type.LONG,
                    100L,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "How often transactions commit; with exactly-once this bounds the latency of alerts")
            .define(
                    NUM_THREADS,
                    Type.INT,
                    1,
                    ConfigDef.Range.between(1, 64),
                    Importance.LOW,
                    "Stream threads in this instance")
            .define(
                    COMPRESSION_TYPE,
                    Type.STRING,
                    "zstd",
                    ConfigDef.ValidString.in("none", "gzip", "snappy", "lz4", "zstd"),
                    Importance.LOW,
                    "Compression of what the service writes (alerts, digests, changelogs), by the stream threads: "
                            + "lz4 wrote 0.44x the bytes per alert of none, zstd 0.70x those of lz4, neither at a "
                            + "measured cost in time (docs/benchmarks.md)")
            .define(
                    BATCH_SIZE,
                    Type.INT,
                    262_144,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "Bytes of records the service's producers send to one partition at once (Kafka's batch.size, "
                            + "16384 by default): compression works on whole batches, and the same papers recur across "
                            + "digests of one batch")
            .define(
                    CACHE_MAX_BYTES,
                    Type.LONG,
                    10L * 1024 * 1024,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "Record cache of the state stores, shared by this instance's stream threads: a key written "
                            + "again before the next commit reaches RocksDB and its changelog once; 0: every write goes "
                            + "through")
            .define(
                    ROCKSDB_MEMORY_MB,
                    Type.INT,
                    256,
                    ConfigDef.Range.between(0, 1_048_576),
                    Importance.MEDIUM,
                    "Memory of all the RocksDB state stores of this process together (block cache, index and "
                            + "filter blocks, memtables), in MB; 0: each store takes Kafka Streams' own defaults (a 50 "
                            + "MB block cache and up to 48 MB of memtables each, and there is one store per task and "
                            + "state store)")
            .define(
                    ALERT_NEW_VERSIONS,
                    Type.BOOLEAN,
                    false,
                    Importance.LOW,
                    "Alert subscribers again when a new version of a paper they were alerted about arrives")
            .define(
                    ALERTS_BY_REFERENCE,
                    Type.BOOLEAN,
                    true,
                    Importance.LOW,
                    "Alerts name their paper, stored once in papers.alerted, instead of carrying it whole (a claim "
                            + "check). Set it to false for the first rolling "
                            + "restart of an upgrade from a version before it (which cannot read such alerts), then "
                            + "remove it with a second one")
            .define(
                    MATCHING_SHARDS,
                    Type.INT,
                    0,
                    ConfigDef.Range.between(0, 1024),
                    Importance.MEDIUM,
                    "Shards of the subscriptions matched paper by paper, by recipient: each paper is sent to every "
                            + "shard, and an instance keeps in its heap only the shards of its tasks; 0: every instance "
                            + "matches against every subscription, which needs no extra topic or hop. Change it with every "
                            + "instance stopped (docs/deployment.md)")
            .define(
                    INSTANT_WINDOW_MS,
                    Type.LONG,
                    60_000L,
                    ConfigDef.Range.atLeast(0),
                    Importance.MEDIUM,
                    "Instant delivery: alerts of one recipient arriving this long after the first go out in one email; "
                            + "0: each alert goes out at once, in an email of its own")
            .define(
                    DAILY_HOUR,
                    Type.INT,
                    8,
                    ConfigDef.Range.between(0, 23),
                    Importance.MEDIUM,
                    "Local hour, in each recipient's time zone, at which daily and weekly digests go out")
            .define(
                    WEEKLY_DAY,
                    Type.STRING,
                    "monday",
                    StreamsServiceConfig::requireDay,
                    Importance.LOW,
                    "Day of the week weekly digests go out")
            .define(
                    MAX_PAPERS,
                    Type.INT,
                    50,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Papers listed in one email; more are counted in a note, not listed")
            .define(
                    MAX_EMAILS_PER_HOUR,
                    Type.INT,
                    10,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Emails per recipient per hour; past it, alerts wait and go out together in the next email")
            .define(
                    CHECK_INTERVAL_MS,
                    Type.LONG,
                    1_000L,
                    ConfigDef.Range.atLeast(10),
                    Importance.LOW,
                    "How often due digests are looked for")
            .define(
                    RECOMMENDATIONS_PER_WEEK,
                    Type.INT,
                    0,
                    ConfigDef.Range.between(0, DigestPolicy.MAX_RECOMMENDATIONS_PER_WEEK),
                    Importance.LOW,
                    "\"Recommended for you\": papers a week, at most, that match none of a reader's subscriptions "
                            + "but that its ranking (learnt from its \"more/less like this\") scores high, added to "
                            + "its next digest under their own heading; 0: none")
            .define(
                    FAILED_RECORDS_MAX,
                    Type.INT,
                    100,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "Records whose processing throws are dead-lettered and skipped; more than this many within "
                            + "streams.failure.window.ms stop the service with a non-zero exit (a fault, not a bad record)")
            .define(
                    THREAD_REPLACEMENTS_MAX,
                    Type.INT,
                    3,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "A stream thread that dies of an unexpected exception is replaced; more than this many within "
                            + "streams.failure.window.ms stop the service with a non-zero exit")
            .define(
                    FAILURE_WINDOW_MS,
                    Type.LONG,
                    600_000L,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "The window of streams.failed.records.max and streams.thread.replacements.max")
            .define(
                    APPLICATION_SERVER,
                    Type.STRING,
                    "",
                    StreamsServiceConfig::requireHostAndPort,
                    Importance.MEDIUM,
                    "host:port at which the other streams instances reach this one's web server; archive pages and "
                            + "feeds asked of an instance that does not hold them are forwarded there. Needed with more "
                            + "than one instance; empty: none")
            .define(
                    ARCHIVE_MIN_ENTRIES,
                    Type.INT,
                    1_000,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "The archive keeps at least this many newest matches of each subscription, whatever their age")
            .define(
                    ARCHIVE_RETENTION_DAYS,
                    Type.INT,
                    90,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "The archive keeps every match of this many past days (by paper date)")
            .define(
                    METRICS_PORT,
                    Type.INT,
                    9403,
                    ConfigDef.Range.between(0, 65535),
                    Importance.MEDIUM,
                    "Port of GET /metrics (Prometheus), /health/live and /health/ready of the streams service, on "
                            + "metrics.bind.address (not the public web port); 0: none");

    public StreamsServiceConfig(Map<String, ?> values) {
        super(DEFINITION, values);
    }

    public DigestPolicy digestPolicy() {
        return new DigestPolicy(
                Duration.ofMillis(getLong(INSTANT_WINDOW_MS)),
                getInt(DAILY_HOUR),
                DayOfWeek.valueOf(getString(WEEKLY_DAY).toUpperCase(Locale.ROOT)),
                getInt(MAX_PAPERS),
                getInt(MAX_EMAILS_PER_HOUR),
                Duration.ofMillis(getLong(CHECK_INTERVAL_MS)),
                Clock.systemUTC(),
                getInt(RECOMMENDATIONS_PER_WEEK));
    }

    private static void requireDay(String name, Object value) {
        try {
            var unused = DayOfWeek.valueOf(String.valueOf(value).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, "expected a day of the week in English, e.g. monday");
        }
    }

    private static void requireHostAndPort(String name, Object value) {
        String text = String.valueOf(value);
        if (!text.isEmpty() && !text.matches("[^:\\s]+:\\d{1,5}")) {
            throw new ConfigException(name, value, "expected host:port, e.g. streams-1:8080, or nothing");
        }
    }

    public ArchivePolicy archivePolicy() {
        return new ArchivePolicy(getInt(ARCHIVE_MIN_ENTRIES), Duration.ofDays(getInt(ARCHIVE_RETENTION_DAYS)));
    }

    public StreamsFailurePolicy failurePolicy() {
        return new StreamsFailurePolicy(
                getInt(FAILED_RECORDS_MAX),
                getInt(THREAD_REPLACEMENTS_MAX),
                Duration.ofMillis(getLong(FAILURE_WINDOW_MS)),
                Clock.systemUTC());
    }

    /**
     * The service's own Kafka Streams settings; {@link io.paperalerts.kafka.KafkaClients#streamsConfig}
     * adds the cluster's address and the client settings that pass through.
     */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID));
        p.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, getInt(NUM_THREADS));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), getString(COMPRESSION_TYPE));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), getInt(BATCH_SIZE));
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, getLong(CACHE_MAX_BYTES));
        if (getInt(ROCKSDB_MEMORY_MB) > 0) {
            p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
            p.put(BoundedRocksDbMemory.MEMORY_BYTES, (long) getInt(ROCKSDB_MEMORY_MB) << 20);
        }
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) getShort(CommonConfig.REPLICATION_FACTOR));
        // A poison record, and one whose processing throws, is written to the dead-letter topic with
        // the exception in its headers, and processing goes on (KIP-1034); the service counts them
        // with StreamsFailurePolicy's handlers, which replace this one.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTERS.name());
        if (!getString(APPLICATION_SERVER).isEmpty()) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, getString(APPLICATION_SERVER));
        }
        GroupMembership.of(this).configure(p, StreamsConfig.MAIN_CONSUMER_PREFIX);
        return p;
    }
}
