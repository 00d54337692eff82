package io.paperalerts.streams.backfill;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.matching.SubscriptionMatcher;
import io.paperalerts.matching.SubscriptionMatcher.Match;
import io.paperalerts.matching.SubscriptionMatcher.Trending;
import io.paperalerts.matching.TrendingRanking;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.AlertKind;
import io.paperalerts.schemas.Digest;
import io.paperalerts.schemas.DigestKind;
import io.paperalerts.schemas.Paper;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.TrendingDay;
import io.paperalerts.streams.MatchAlerts;
import io.paperalerts.streams.digest.DigestScheduler;
import io.paperalerts.streams.trending.TrendingAlerts;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends chosen subscriptions the papers of a past period, by each paper's own date (its
 * publication date, else when it was ingested): reads {@code papers} from the first record
 * written a day before the period, on every partition, up to where the topic ended when it
 * started; keeps the papers dated in the period, matches each against those subscriptions only, and emits one {@code BACKFILL} digest per
 * recipient to {@code digests.backfill}, whence the streams service forwards it in the recipient's
 * order ({@link BackfillRanking}) to {@code digests}, where the notifier sends it like any other
 * (leaving out what the recipient already got, so running the same backfill twice sends nothing the
 * second time). Every
 * match also goes to {@code alerts} as a {@code BACKFILL} alert, for the subscriptions' archive
 * pages (the digest lists at most {@code maxPapers}); the digest scheduler leaves those alone.
 *
 * <p>A trending subscription gets the top N papers of each past day of the period (by the day a
 * daily list carried them, today left out), ranked by the latest upvote count read, in the same
 * digest, day by day.
 *
 * <p>Memory stays bounded whatever the history: papers are streamed, and each recipient's digest
 * keeps at most {@code maxPapers} papers plus the ids of papers it matched.
 */
public final class Backfill {

    /** Told of progress now and then, for a progress bar or log lines. */
    public interface Progress {
        void update(long read, long total, Duration elapsed);
    }

    /** What a backfill found, per recipient (the digests it sent, or would send in a dry run). */
    public record Result(long papersRead, Duration elapsed, List<Digest> digests) {
        public double papersPerSecond() {
            return papersRead / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    private static final Duration CLOCK_SKEW = Duration.ofDays(1);

    private final KafkaClients clients;
    private final int maxPapers;
    private final Clock clock;

    public Backfill(KafkaClients clients, int maxPapers, Clock clock) {
        if (maxPapers < 1) {
            throw new IllegalArgumentException("maxPapers must be at least 1, got " + maxPapers);
        }
        this.clients = clients;
        this.maxPapers = maxPapers;
        this.clock = clock;
    }

    /** Sends a subscription just made active the matching papers of the days it asked for ({@code backfillDays}). */
    public Result runRequestedDays(Subscription subscription) {
        Instant since = clock.instant().minus(Duration.ofDays(subscription.getBackfillDays()));
        return run(List.of(subscription), since, false, (read, total, elapsed) -> {});
    }

    /**
     * @param subscriptions the subscriptions to backfill; each must be active
     * @param dryRun find the papers but emit nothing
     */
    public Result run(List<Subscription> subscriptions, Instant since, boolean dryRun, Progress progress) {
        if (subscriptions.isEmpty()) {
            throw new IllegalArgumentException("Nothing to backfill: no subscription given");
        }
        SubscriptionMatcher matcher = new SubscriptionMatcher();
        for (Subscription subscription : subscriptions) {
            try {
                matcher.update(subscription.getId(), subscription);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Subscription " + subscription.getId() + " cannot be backfilled: " + e.getMessage(), e);
            }
        }
        Instant now = clock.instant();
        long started = System.nanoTime();
        Map<String, Gathered> byRecipient = new TreeMap<>();
        List<Trending> trending = matcher.trending();
        // Trending subscriptions rank the past days: the latest reading of each upvoted paper, per day listed.
        LocalDate firstDay = since.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        Map<LocalDate, TrendingDay> listed = new TreeMap<>();
        long read = 0;
        // Memory stays bounded: no future per record, the first failure is kept and thrown at the end.
        AtomicReference<Exception> failed = new AtomicReference<>();
        Callback onFailure = (metadata, e) -> {
            if (e != null) {
                failed.compareAndSet(null, e);
            }
        };
        try (var producer = dryRun ? null : producer();
                var consumer = clients.consumer(
                        Map.<String, Object>of(
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false,
                                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                                2_000),
                        new StringDeserializer(),
                        new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = Topics.PAPERS.assignAll(consumer);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> query = new HashMap<>();
            // A paper is written to Kafka after it appeared, so the records of papers dated since
            // `since` were written since then too; a day earlier covers clocks that disagree.
            partitions.forEach(p -> query.put(p, since.minus(CLOCK_SKEW).toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            long total = 0;
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = starts.get(partition);
                long from = start == null ? ends.get(partition) : start.offset();
                consumer.seek(partition, from);
                if (from < ends.get(partition)) {
                    remaining.put(partition, ends.get(partition));
                    total += ends.get(partition) - from;
                }
            }
            consumer.pause(
                    partitions.stream().filter(p -> !remaining.containsKey(p)).toList());
            long lastReport = 0;
            while (!remaining.isEmpty()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    Long end = remaining.get(partition);
                    if (end == null || record.offset() >= end) {
                        continue;
                    }
                    read++;
                    Paper paper = decode(record);
                    if (!trending.isEmpty()
                            && TrendingRanking.listed(paper)
                            && !paper.getListedOn().isBefore(firstDay)
                            && paper.getListedOn().isBefore(today)) {
                        listed.compute(
                                paper.getListedOn(),
                                (day, known) -> TrendingRanking.update(
                                        day, known == null ? TrendingRanking.empty(day) : known, paper));
                    }
                    if (paper != null && !dateOf(paper, record).isBefore(since)) {
                        for (Alert alert : gather(
                                byRecipient,
                                paper,
                                matcher.match(paper),
                                now,
                                Instant.ofEpochMilli(record.timestamp()))) {
                            if (producer != null) {
                                producer.send(record(Topics.ALERTS, alert.getRecipient(), alert), onFailure);
                            }
                        }
                    }
                }
                for (TopicPartition partition : List.copyOf(remaining.keySet())) {
                    // Transaction markers and aborted records take offsets too: done once past the end.
                    if (consumer.position(partition) >= remaining.get(partition)) {
                        remaining.remove(partition);
                        consumer.pause(List.of(partition));
                    }
                }
                long elapsed = System.nanoTime() - started;
                if (elapsed - lastReport > 200_000_000L) {
                    progress.update(read, total, Duration.ofNanos(elapsed));
                    lastReport = elapsed;
                }
            }
            progress.update(read, total, Duration.ofNanos(System.nanoTime() - started));
            for (Trending subscription : trending) {
                listed.forEach((day, papers) -> {
                    for (Alert alert : TrendingAlerts.pick(
                            subscription, matcher, papers.getPapers(), day, now, AlertKind.BACKFILL)) {
                        byRecipient
                                .computeIfAbsent(alert.getRecipient(), r -> new Gathered())
                                .add(alert, maxPapers);
                        if (producer != null) {
                            producer.send(record(Topics.ALERTS, alert.getRecipient(), alert), onFailure);
                        }
                    }
                });
            }
            List<Digest> digests = new ArrayList<>();
            byRecipient.forEach(
                    (recipient, gathered) -> digests.add(gathered.digest(recipient, subscriptions, since, now)));
            if (producer != null) {
                digests.forEach(d -> producer.send(record(Topics.DIGESTS_BACKFILL, d.getRecipient(), d), onFailure));
                producer.flush();
                if (failed.get() != null) {
                    throw new IllegalStateException(
                            "Cannot emit the backfill: " + failed.get().getMessage(), failed.get());
                }
            }
            return new Result(read, Duration.ofNanos(System.nanoTime() - started), digests);
        }
    }

    /**
     * When a paper appeared: its publication date at its source, or, for a paper without one, when
     * it was written to Kafka. Not the write time alone: a year of history loaded today is not
     * "the last 7 days".
     */
    static Instant dateOf(Paper paper, ConsumerRecord<?, ?> record) {
        return paper.getPublished() != null ? paper.getPublished() : Instant.ofEpochMilli(record.timestamp());
    }

    private static Paper decode(ConsumerRecord<String, byte[]> record) {
        try {
            return Topics.PAPERS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            // The streams service dead-letters it; a backfill just skips it.
            return null;
        }
    }

    private List<Alert> gather(
            Map<String, Gathered> byRecipient, Paper paper, List<Match> matches, Instant now, Instant paperTimestamp) {
        Map<String, List<Match>> perRecipient = new TreeMap<>();
        for (Match match : matches) {
            perRecipient
                    .computeIfAbsent(MatchAlerts.recipient(match), r -> new ArrayList<>())
                    .add(match);
        }
        List<Alert> alerts = new ArrayList<>();
        perRecipient.forEach((recipient, recipientMatches) -> {
            Alert alert =
                    MatchAlerts.alert(recipient, paper, recipientMatches, now, AlertKind.BACKFILL, paperTimestamp);
            alerts.add(alert);
            byRecipient.computeIfAbsent(recipient, r -> new Gathered()).add(alert, maxPapers);
        });
        return alerts;
    }

    private KafkaProducer<String, byte[]> producer() {
        return clients.producer(
                Map.<String, Object>of(
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    private static <V> ProducerRecord<String, byte[]> record(Topic<String, V> topic, String key, V value) {
        return new ProducerRecord<>(
                topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    /** One recipient's papers, in topic order, at most the cap; later versions of a paper are skipped. */
    private static final class Gathered {
        private final List<Alert> alerts = new ArrayList<>();
        private final Set<String> seen = new HashSet<>();
        private int omitted;

        void add(Alert alert, int cap) {
            if (!seen.add(alert.getPaper().getId())) {
                return;
            }
            if (alerts.size() < cap) {
                alerts.add(alert);
            } else {
                omitted++;
            }
        }

        Digest digest(String recipient, List<Subscription> subscriptions, Instant since, Instant now) {
            List<String> ids =
                    subscriptions.stream().map(Subscription::getId).sorted().toList();
            return Digest.newBuilder()
                    // The same backfill again makes the same digest, hence the same Message-ID.
                    .setId(DigestScheduler.hash(
                            "backfill\n" + recipient + "\n" + String.join(",", ids) + "\n" + since.toEpochMilli()))
                    .setRecipient(recipient)
                    .setKind(DigestKind.BACKFILL)
                    .setPeriodStart(since)
                    .setPeriodEnd(now)
                    .setTimezone(subscriptions.get(0).getTimezone())
                    .setAlerts(alerts)
                    .setOmitted(omitted)
                    .build();
        }
    }
}
