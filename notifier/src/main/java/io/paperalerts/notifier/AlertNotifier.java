package io.paperalerts.notifier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.config.GroupMembership;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.kafka.KafkaProblem;
import io.paperalerts.kafka.KafkaStartup;
import io.paperalerts.kafka.ServiceAccess;
import io.paperalerts.mail.AddressHash;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.mail.MailLinks;
import io.paperalerts.mail.ManageGenerations;
import io.paperalerts.mail.SmtpMailSender;
import io.paperalerts.operations.Backoff;
import io.paperalerts.operations.BrokerCheck;
import io.paperalerts.operations.Health;
import io.paperalerts.schemas.Digest;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes digests (each one email: one or more papers for one recipient) and sends them. A
 * digest's offset is committed only after the SMTP server accepted its message, or after it was
 * parked or given up, so a crash re-sends rather than loses. Papers already delivered to the
 * recipient are left out, and a digest with nothing left is not sent: the {@link DeliveryStore}
 * makes restarts, rebalances and replays send every paper to a recipient once. Instances share
 * the work by partition: digests, parked digests and the delivery record are partitioned alike.
 *
 * <p>Failures, as the {@link FailureClassifier} decides: when the server cannot be reached,
 * everything waits with an exponential backoff and retries in order. When the server refuses one
 * message for now (4xx), that message is parked on {@code digests.retry} with the time of its
 * next attempt, and the recipients behind it go on (a parked digest waiting for its time waits
 * aside, not in front of the parked ones behind it); after {@code notifier.retry.max.attempts} it
 * goes to {@code deliveries.failed}. A permanent refusal (5xx, malformed address) goes there at
 * once, with the SMTP reply.
 */
public final class AlertNotifier implements AutoCloseable {

    /** Told of each outcome, e.g. to print what the demo sent. */
    public interface Listener {
        default void delivered(Digest digest, MimeMessage message) {}

        default void gaveUp(String reason) {}
    }

    private static final Logger log = LoggerFactory.getLogger(AlertNotifier.class);

    private final Consumer<String, byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Thread thread;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final NotifierMetrics metrics = new NotifierMetrics();
    private final NotifierFailurePolicy policy;
    private final DigestDelivery delivery;
    private final ParkedDigests parked;
    private final BatchDelivery batches;
    private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    private final DeliveryStore deliveryStore;
    private final ManageGenerations generations;
    private volatile Throwable crash;
    private final KafkaClients clients;
    /** Partitions of digests this instance owns now (read by the readiness check). */
    private volatile int assigned;

    public AlertNotifier(NotifierConfig config, Listener listener) {
        this.clients = KafkaClients.of(config);
        AddressHash addressHash = new AddressHash(MailConfig.tokenSecret(config));
        KafkaStartup.prepare(
                clients,
                ServiceAccess.notifier(config.getString(NotifierConfig.GROUP_ID)),
                config.getShort(CommonConfig.REPLICATION_FACTOR));
        Uuid deliveriesTopicId;
        try (Admin admin = clients.admin()) {
            TopicProvisioner.requireSamePartitions(admin, Topics.DIGESTS, Topics.DIGESTS_RETRY, Topics.DELIVERIES);
            deliveriesTopicId = TopicProvisioner.topicId(admin, Topics.DELIVERIES);
        }
        this.generations = ManageGenerations.follow(clients, addressHash);
        AlertMailer mailer = new AlertMailer(
                config.getString(MailConfig.MAIL_FROM), MailLinks.of(config, Clock.systemUTC(), generations));
        Map<String, Object> consumerProperties = new HashMap<>(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                config.getString(NotifierConfig.GROUP_ID),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                // Digests come from a transactional producer: never email an aborted one.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                100,
                // Partition n of digests and of digests.retry go to the same instance, which then
                // needs partition n of the delivery record only.
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                RangeAssignor.class.getName()));
        GroupMembership.of(config).configure(consumerProperties, "");
        this.consumer = clients.consumer(consumerProperties, new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = clients.producer(
                Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        this.deliveryStore = new DeliveryStore(
                clients,
                Path.of(config.getString(NotifierConfig.STATE_DIR)),
                deliveriesTopicId,
                addressHash::pseudonym,
                config.getBoolean(NotifierConfig.DELIVERY_RECORD_PER_EMAIL));
        this.policy = new NotifierFailurePolicy(
                Backoff.ofMillis(
                        config.getLong(NotifierConfig.RETRY_INITIAL_MS), config.getLong(NotifierConfig.RETRY_MAX_MS)),
                config.getInt(NotifierConfig.RETRY_MAX_ATTEMPTS),
                Clock.systemUTC(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.parked = new ParkedDigests(policy);
        this.delivery =
                new DigestDelivery(mailer, deliveryStore, this::sendNow, policy, addressHash, metrics, listener);
        this.batches = new BatchDelivery(
                config.getInt(NotifierConfig.SMTP_CONNECTIONS),
                () -> new SmtpMailSender(config),
                delivery,
                parked,
                () -> stopping.getCount() == 0,
                consumer::seek);
        this.thread = new Thread(this::run, "alert-notifier");
    }

    public AlertNotifier start() {
        thread.start();
        return this;
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Emails the SMTP server accepted. */
    public long emails() {
        return metrics.emails.get();
    }

    /** Papers delivered, over all emails. */
    public long delivered() {
        return metrics.delivered.get();
    }

    /** Digests given up for good (on {@code deliveries.failed}) or undecodable (dead-lettered). */
    public long gaveUp() {
        return metrics.gaveUp.get();
    }

    /** Papers left out because they were delivered to their recipient before. */
    public long alreadyDelivered() {
        return metrics.alreadyDelivered.get();
    }

    /** Times everything waited for an unreachable server. */
    public long retries() {
        return metrics.retries.get();
    }

    /** Times a digest was parked on {@code digests.retry} after a 4xx reply. */
    public long parked() {
        return metrics.parked.get();
    }

    /**
     * Its counters, SMTP timings and end-to-end latency, and its Kafka clients' metrics, in the
     * service's registry.
     */
    public void bindTo(MeterRegistry registry) {
        metrics.bindTo(registry);
        new KafkaClientMetrics(consumer).bindTo(registry);
        new KafkaClientMetrics(producer).bindTo(registry);
    }

    /**
     * Live while its loop runs; ready when it also owns partitions of digests, its SMTP server
     * answered the last time it was asked, the manage-link generations are known, and the cluster
     * answers ({@code broker}).
     */
    public Health health(BrokerCheck broker) {
        return Health.of(
                () -> crash != null
                        ? Health.Status.down("the notifier stopped: " + crash)
                        : thread.isAlive() ? Health.Status.up() : Health.Status.down("the notifier is not running"),
                () -> (assigned > 0
                                ? Health.Status.up()
                                : Health.Status.down("no partition of digests is assigned to this instance"))
                        .and(() -> delivery.smtpUnreachable() == null
                                ? Health.Status.up()
                                : Health.Status.down(
                                        "the SMTP server cannot be reached: " + delivery.smtpUnreachable()))
                        .and(() -> generations.health().ready())
                        .and(broker::status));
    }

    /** Set when the loop died of an unexpected error. */
    public Throwable crash() {
        return crash;
    }

    private void run() {
        int waits = 0;
        try {
            consumer.subscribe(
                    List.of(Topics.DIGESTS.name(), Topics.DIGESTS_RETRY.name()), new ConsumerRebalanceListener() {
                        @Override
                        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                            assigned = consumer.assignment().size() - partitions.size();
                            parked.revoke(partitions);
                            partitions.forEach(committed::remove);
                            deliveryStore.revoke(numbers(partitions));
                        }

                        @Override
                        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                            assigned = consumer.assignment().size();
                            // Another instance may have delivered digests of these partitions until now.
                            deliveryStore.assign(numbers(partitions));
                        }
                    });
            while (stopping.getCount() > 0) {
                if (generations.gaveUp().isDone()) {
                    throw new IllegalStateException(
                            "the manage-link generations cannot be read",
                            generations.gaveUp().join());
                }
                if (!generations.health().ready().ok()) {
                    // Every email carries a manage link signed with its generation: none is made while
                    // the generations are unknown (their follower restarting), or it would be given up.
                    stopping.await(policy.serverWait(++waits).toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                boolean mustWait = batches.deliver(records) || batches.deliverDueParked();
                commit();
                if (mustWait) {
                    stopping.await(policy.serverWait(++waits).toMillis(), TimeUnit.MILLISECONDS);
                } else if (!records.isEmpty()) {
                    waits = 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            KafkaProblem refused = e instanceof RuntimeException ? KafkaProblem.explain(e, clients) : null;
            crash = refused == null ? e : refused;
            if (refused != null) {
                log.error("Notifier stopped: {}", refused.getMessage());
            } else {
                log.error("Notifier stopped: {}", e.toString(), e);
            }
        } finally {
            closeClients();
        }
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }

    /**
     * Commits how far each partition is done: its position (past any transaction marker, so a
     * caught-up notifier shows no lag), but never past a parked digest still waiting for its time.
     */
    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            OffsetAndMetadata offset =
                    new OffsetAndMetadata(parked.committable(partition, consumer.position(partition)));
            if (!offset.equals(committed.get(partition))) {
                offsets.put(partition, offset);
            }
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
            committed.putAll(offsets);
        }
    }

    /** Synchronously: the offset is committed next, and the record must not be lost. */
    private void sendNow(ProducerRecord<byte[], byte[]> record, String position) {
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while moving " + position + " to " + record.topic(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot move " + position + " to " + record.topic() + ": "
                            + e.getCause().getMessage(),
                    e);
        }
    }

    private void closeClients() {
        batches.close();
        // A clean stop leaves the group, static member or not, so the others take over at once.
        consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(5)));
        producer.close(Duration.ofSeconds(5));
        deliveryStore.close();
        generations.close();
    }

    /**
     * Stops after the digest being sent, commits what was delivered and closes. No wakeup(): it
     * could interrupt the commit of messages already sent, which would then be sent again.
     */
    @Override
    public void close() {
        stopping.countDown();
        if (thread.isAlive()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (thread.getState() == Thread.State.NEW) {
            closeClients();
        }
    }
}
