package io.paperalerts.streams.backfill;

import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.operations.Backoff;
import io.paperalerts.operations.SupervisedWorker;
import io.paperalerts.queries.Backfills;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works through {@code backfill.requests}: runs each request's backfill, then commits it. A
 * process killed before the commit runs it again when it restarts; the backfill's digests are the
 * same each time and the notifier's delivery record sends their papers once. A backfill that fails
 * (the cluster away) is retried with a backoff, an undecodable request is dead-lettered.
 */
public final class BackfillRequests implements Backfills.Requests {

    private static final Logger log = LoggerFactory.getLogger(BackfillRequests.class);
    /** A backfill that failed (the cluster away) is tried again after this, without reading further. */
    private static final Backoff RETRY = Backoff.ofMillis(500, 60_000);

    private final KafkaClients clients;
    private final String groupId;
    private final Backfill backfill;
    private final Predicate<String> stillSubscribed;
    private final SupervisedWorker worker;
    private final AtomicLong done = new AtomicLong();

    public BackfillRequests(KafkaClients clients, String groupId, Backfill backfill) {
        this(clients, groupId, backfill, id -> true);
    }

    /**
     * @param stillSubscribed whether a subscription (by id) still exists: a request read again after
     *     its subscription was cancelled or its address forgotten (the group rewound) sends nothing
     */
    public BackfillRequests(
            KafkaClients clients, String groupId, Backfill backfill, Predicate<String> stillSubscribed) {
        this.clients = clients;
        this.groupId = groupId;
        this.backfill = backfill;
        this.stillSubscribed = stillSubscribed;
        this.worker = SupervisedWorker.of("backfill-requests", this::run);
    }

    /** Backfills as a registration server runs them, each sending a digest of at most {@code maxPapers}. */
    public static Backfills of(int maxPapers, Clock clock) {
        return (clients, groupId, stillSubscribed) ->
                new BackfillRequests(clients, groupId, new Backfill(clients, maxPapers, clock), stillSubscribed);
    }

    @Override
    public BackfillRequests start() {
        worker.start();
        return this;
    }

    /** Its worker: ready while it reads requests; gives up (the service must exit) when it keeps dying. */
    @Override
    public SupervisedWorker worker() {
        return worker;
    }

    /** Requests whose backfill ran and was committed. */
    public long done() {
        return done.get();
    }

    private void run(SupervisedWorker.Stopping stopping) throws InterruptedException {
        try (var consumer = clients.consumer(
                Map.<String, Object>of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        groupId,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        1),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.BACKFILL_REQUESTS.name()));
            int failures = 0;
            while (!stopping.requested()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    try {
                        handle(record);
                        consumer.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)));
                        done.incrementAndGet();
                        failures = 0;
                    } catch (RuntimeException e) {
                        Duration wait = RETRY.wait(++failures);
                        log.warn(
                                "Backfill of {} failed, will retry in {} ms: {}",
                                record.key(),
                                wait.toMillis(),
                                e.toString());
                        consumer.seek(partition, record.offset());
                        stopping.await(wait);
                    }
                }
            }
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        Subscription subscription;
        try {
            subscription =
                    Topics.BACKFILL_REQUESTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            try (var producer = clients.producer(
                    Map.<String, Object>of(ProducerConfig.ACKS_CONFIG, "all"),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                producer.send(DeadLetters.record(
                                "backfill-requests",
                                record.topic() + "-" + record.partition() + "@" + record.offset(),
                                e.getMessage(),
                                record.value()))
                        .get();
            } catch (ExecutionException | InterruptedException failed) {
                throw new IllegalStateException("Cannot dead-letter a bad backfill request", failed);
            }
            return;
        }
        if (!stillSubscribed.test(subscription.getId())) {
            log.info("Backfill of {} skipped: the subscription is gone", subscription.getId());
            return;
        }
        var result = backfill.runRequestedDays(subscription);
        log.info(
                "Backfilled {} over {} days: {} papers read, {} digests",
                subscription.getId(),
                subscription.getBackfillDays(),
                result.papersRead(),
                result.digests().size());
    }

    @Override
    public void close() {
        worker.close();
    }
}
