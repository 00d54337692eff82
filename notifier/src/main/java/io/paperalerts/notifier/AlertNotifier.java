package io.paperalerts.notifier;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.paperalerts.config.CommonConfig;
import io.paperalerts.config.GroupMembership;
import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.kafka.KafkaProblem;
import io.paperalerts.kafka.KafkaStartup;
import io.paperalerts.kafka.ServiceAccess;
import io.paperalerts.mail.AddressHash;
import io.paperalerts.mail.AlertMailer;
import io.paperalerts.mail.MailConfig;
import io.paperalerts.mail.ManageGenerations;
import io.paperalerts.mail.SmtpMailSender;
import io.paperalerts.operations.BrokerCheck;
import io.paperalerts.operations.Health;
import io.paperalerts.operations.ServiceMetrics;
import io.paperalerts.schemas.Alert;
import io.paperalerts.schemas.Digest;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

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
        default void delivered(Digest digest, MimeMessage message) {
        }

        default void gaveUp(String reason) {
        }
    }

    static final String ATTEMPT_HEADER = "paper-alerts.retry.attempt";
    static final String NOT_BEFORE_HEADER = "paper-alerts.retry.not-before";
    static final String REASON_HEADER = "paper-alerts.retry.reason";
    private static final Logger log = LoggerFactory.getLogger(AlertNotifier.class);

    private enum Outcome { DONE, WAIT_FOR_SERVER }

    private final NotifierConfig config;
    private final Listener listener;
    private final AlertMailer mailer;
    /** One per SMTP connection; a sender is used by one thread at a time. */
    private final BlockingQueue<SmtpMailSender> senders;
    private final List<SmtpMailSender> allSenders;
    /** Sends over the connections at once, for other recipients; null with a single connection. */
    private final ExecutorService workers;
    private final Consumer<String, byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Thread thread;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicLong emails = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final AtomicLong alreadyDelivered = new AtomicLong();
    /** Parked digests read but not yet due, by partition and offset: the commit of their partition stays before them. */
    private final Map<TopicPartition, TreeMap<Long, ConsumerRecord<String, byte[]>>> parkedWaiting = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    private final DeliveryStore deliveryStore;
    private final ManageGenerations generations;
    private volatile Throwable crash;
    private final KafkaClients clients;
    private final AddressHash addressHash;
    /** Partitions of digests this instance owns now (read by the readiness check). */
    private volatile int assigned;
    /** Null while the SMTP server answers; else why it cannot be reached. */
    private volatile String smtpUnreachable;
    private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
    private final Timer smtpSend = Timer.builder(ServiceMetrics.PREFIX + "smtp.send")
            .description("Time the SMTP server took to accept an email").publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2)).register(meters);
    private final Timer endToEnd = Timer.builder(ServiceMetrics.PREFIX + "end.to.end.latency")
            .description("From the oldest paper of an email reaching the papers topic to the SMTP server accepting "
                    + "the email; one sample per email")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(100))
            .maximumExpectedValue(Duration.ofDays(8)).register(meters);

    public AlertNotifier(NotifierConfig config, Listener listener) {
        this.config = config;
        this.listener = listener;
        int connections = config.getInt(NotifierConfig.SMTP_CONNECTIONS);
        this.allSenders = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            allSenders.add(new SmtpMailSender(config));
        }
        this.senders = new ArrayBlockingQueue<>(connections, false, allSenders);
        AtomicInteger workerNumber = new AtomicInteger();
        this.workers = connections == 1 ? null : Executors.newFixedThreadPool(connections, runnable -> {
            Thread worker = new Thread(runnable, "alert-notifier-smtp-" + workerNumber.incrementAndGet());
            worker.setDaemon(true);
            return worker;
        });
        this.clients = KafkaClients.of(config);
        this.addressHash = new AddressHash(MailConfig.tokenSecret(config));
        KafkaStartup.prepare(clients, ServiceAccess.notifier(config.getString(NotifierConfig.GROUP_ID)),
                config.getShort(CommonConfig.REPLICATION_FACTOR));
        Uuid deliveriesTopicId;
        try (Admin admin = clients.admin()) {
            TopicProvisioner.requireSamePartitions(admin, Topics.DIGESTS, Topics.DIGESTS_RETRY, Topics.DELIVERIES);
            deliveriesTopicId = TopicProvisioner.topicId(admin, Topics.DELIVERIES);
        }
        this.generations = ManageGenerations.follow(clients, addressHash);
        this.mailer = new AlertMailer(config.getString(MailConfig.MAIL_FROM),
                AlertMailer.Links.of(config, Clock.systemUTC(), generations));
        Map<String, Object> consumerProperties = new HashMap<>(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, config.getString(NotifierConfig.GROUP_ID),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // Digests come from a transactional producer: never email an aborted one.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100,
                // Partition n of digests and of digests.retry go to the same instance, which then
                // needs partition n of the delivery record only.
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName()));
        GroupMembership.of(config).configure(consumerProperties, "");
        this.consumer = clients.consumer(consumerProperties, new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = clients.producer(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.deliveryStore = new DeliveryStore(clients, Path.of(config.getString(NotifierConfig.STATE_DIR)), deliveriesTopicId,
                addressHash::pseudonym);
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
        return emails.get();
    }

    /** Papers delivered, over all emails. */
    public long delivered() {
        return delivered.get();
    }

    /** Digests given up for good (on {@code deliveries.failed}) or undecodable (dead-lettered). */
    public long gaveUp() {
        return gaveUp.get();
    }

    /** Papers left out because they were delivered to their recipient before. */
    public long alreadyDelivered() {
        return alreadyDelivered.get();
    }

    /** Times everything waited for an unreachable server. */
    public long retries() {
        return retries.get();
    }

    /** Times a digest was parked on {@code digests.retry} after a 4xx reply. */
    public long parked() {
        return parked.get();
    }

    /**
     * Its counters, SMTP timings and end-to-end latency, and its Kafka clients' metrics, in the
     * service's registry.
     */
    public void bindTo(MeterRegistry registry) {
        meters.add(registry);
        counter(registry, "emails.sent", emails, "Emails the SMTP server accepted");
        counter(registry, "papers.delivered", delivered, "Papers in the emails the SMTP server accepted");
        counter(registry, "emails.retried", retries, "Sends retried because the SMTP server could not be reached");
        counter(registry, "emails.parked", parked, "Emails parked on digests.retry after a 4xx reply");
        counter(registry, "emails.failed", gaveUp, "Emails given up for good (5xx, bad address, too many attempts)");
        counter(registry, "papers.already.delivered", alreadyDelivered,
                "Papers left out of an email because the recipient already got them");
        new KafkaClientMetrics(consumer).bindTo(registry);
        new KafkaClientMetrics(producer).bindTo(registry);
    }

    private static void counter(MeterRegistry registry, String name, AtomicLong value, String description) {
        FunctionCounter.builder(ServiceMetrics.PREFIX + name, value, AtomicLong::get).description(description)
                .register(registry);
    }

    /**
     * Live while its loop runs; ready when it also owns partitions of digests, its SMTP server
     * answered the last time it was asked, and the cluster answers ({@code broker}).
     */
    public Health health(BrokerCheck broker) {
        return new Health() {
            @Override
            public Status live() {
                return crash != null ? Status.down("the notifier stopped: " + crash)
                        : thread.isAlive() ? Status.up() : Status.down("the notifier is not running");
            }

            @Override
            public Status ready() {
                return live().and(() -> assigned > 0 ? Status.up()
                        : Status.down("no partition of digests is assigned to this instance"))
                        .and(() -> smtpUnreachable == null ? Status.up()
                                : Status.down("the SMTP server cannot be reached: " + smtpUnreachable))
                        .and(broker::status);
            }
        };
    }

    /** Set when the loop died of an unexpected error. */
    public Throwable crash() {
        return crash;
    }

    private void run() {
        int waits = 0;
        try {
            consumer.subscribe(List.of(Topics.DIGESTS.name(), Topics.DIGESTS_RETRY.name()),
                    new ConsumerRebalanceListener() {
                        @Override
                        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                            assigned = consumer.assignment().size() - partitions.size();
                            partitions.forEach(parkedWaiting::remove);
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
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                boolean mustWait = deliverAll(records) || deliverDueParked();
                commit();
                if (mustWait) {
                    long backoff = backoff(++waits);
                    long jittered = backoff / 2 + (long) (Math.random() * (backoff / 2 + 1));
                    stopping.await(jittered, TimeUnit.MILLISECONDS);
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

    /** @return whether the server was unreachable and everything must wait */
    private boolean deliverAll(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        return workers == null ? deliverInOrder(records) : deliverAtOnce(records);
    }

    /** Over one connection: every record in offset order. */
    private boolean deliverInOrder(ConsumerRecords<String, byte[]> records) {
        SmtpMailSender sender = allSenders.get(0);
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (stopping.getCount() == 0) {
                    consumer.seek(partition, record.offset());
                    break;
                }
                if (setAsideIfNotDue(partition, record)) {
                    continue;
                }
                if (deliver(record, sender) == Outcome.WAIT_FOR_SERVER) {
                    consumer.seek(partition, record.offset());
                    seekBackOthers(records, partition);
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Over several connections: the records of each recipient in offset order, one recipient per
     * connection at a time, recipients at once. Returns when all are done, so the commit that
     * follows is after every send. A recipient whose send must wait for the server stops there;
     * each partition is then read again from its first record not done (those after it that were
     * delivered are left out by the delivery record when read again).
     */
    private boolean deliverAtOnce(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        Map<String, List<ConsumerRecord<String, byte[]>>> byRecipient = new LinkedHashMap<>();
        Set<ConsumerRecord<String, byte[]>> aside = new HashSet<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (setAsideIfNotDue(partition, record)) {
                    aside.add(record);
                    continue;
                }
                String chain = record.key() != null ? record.key() : record.topic() + "-" + record.partition() + "@" + record.offset();
                byRecipient.computeIfAbsent(chain, r -> new ArrayList<>()).add(record);
            }
        }
        Map<ConsumerRecord<String, byte[]>, Outcome> outcomes = new ConcurrentHashMap<>();
        List<Future<?>> chains = new ArrayList<>();
        for (List<ConsumerRecord<String, byte[]>> chain : byRecipient.values()) {
            chains.add(workers.submit(() -> {
                SmtpMailSender sender = senders.take();
                try {
                    for (ConsumerRecord<String, byte[]> record : chain) {
                        if (stopping.getCount() == 0) {
                            break;
                        }
                        Outcome outcome = deliver(record, sender);
                        outcomes.put(record, outcome);
                        if (outcome == Outcome.WAIT_FOR_SERVER) {
                            break;
                        }
                    }
                } finally {
                    senders.put(sender);
                }
                return null;
            }));
        }
        for (Future<?> chain : chains) {
            try {
                chain.get();
            } catch (ExecutionException e) {
                // After the others finished, so that none is sending while the loop stops.
                for (Future<?> other : chains) {
                    try {
                        other.get();
                    } catch (ExecutionException ignored) {
                        // the first failure is the one reported
                    }
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            }
        }
        boolean mustWait = outcomes.containsValue(Outcome.WAIT_FOR_SERVER);
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (!aside.contains(record) && outcomes.get(record) != Outcome.DONE) {
                    consumer.seek(partition, record.offset());
                    break;
                }
            }
        }
        return mustWait;
    }

    /**
     * A parked digest not due yet waits aside (delivered by {@link #deliverDueParked} when its time
     * comes), and the records behind it go on. @return whether it was set aside
     */
    private boolean setAsideIfNotDue(TopicPartition partition, ConsumerRecord<String, byte[]> record) {
        if (longHeader(record, NOT_BEFORE_HEADER, 0) <= System.currentTimeMillis()) {
            return false;
        }
        parkedWaiting.computeIfAbsent(partition, p -> new TreeMap<>()).put(record.offset(), record);
        return true;
    }

    /** After a stop for an unreachable server, every partition not yet handled reads its records again. */
    private void seekBackOthers(ConsumerRecords<String, byte[]> records, TopicPartition stoppedAt) {
        boolean after = false;
        for (TopicPartition partition : records.partitions()) {
            if (after) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
            after |= partition.equals(stoppedAt);
        }
    }

    /** Delivers the parked digests whose time has come. @return whether the server was unreachable */
    private boolean deliverDueParked() {
        long now = System.currentTimeMillis();
        SmtpMailSender sender = allSenders.get(0);
        for (TreeMap<Long, ConsumerRecord<String, byte[]>> waiting : parkedWaiting.values()) {
            for (var it = waiting.values().iterator(); it.hasNext() && stopping.getCount() > 0; ) {
                ConsumerRecord<String, byte[]> record = it.next();
                if (longHeader(record, NOT_BEFORE_HEADER, 0) > now) {
                    continue;
                }
                if (deliver(record, sender) == Outcome.WAIT_FOR_SERVER) {
                    return true;
                }
                it.remove();
            }
        }
        return false;
    }

    /**
     * Commits how far each partition is done: its position (past any transaction marker, so a
     * caught-up notifier shows no lag), but never past a parked digest still waiting for its time.
     */
    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            long done = consumer.position(partition);
            TreeMap<Long, ConsumerRecord<String, byte[]>> waiting = parkedWaiting.get(partition);
            if (waiting != null && !waiting.isEmpty()) {
                done = Math.min(done, waiting.firstKey());
            }
            OffsetAndMetadata offset = new OffsetAndMetadata(done);
            if (!offset.equals(committed.get(partition))) {
                offsets.put(partition, offset);
            }
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
            committed.putAll(offsets);
        }
    }

    private Outcome deliver(ConsumerRecord<String, byte[]> record, SmtpMailSender sender) {
        // Log lines about this email say whose it is without saying the address (log.format=json: a label).
        MDC.put("recipient.hash", addressHash.of(record.key()));
        try {
            return deliverLogged(record, sender);
        } finally {
            MDC.remove("recipient.hash");
        }
    }

    private Outcome deliverLogged(ConsumerRecord<String, byte[]> record, SmtpMailSender sender) {
        String position = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (record.value() == null) {
            forget(record, position);
            return Outcome.DONE;
        }
        Digest digest;
        try {
            digest = Topics.DIGESTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            giveUp(Topics.DEAD_LETTERS, position, e.getMessage(), record.value());
            return Outcome.DONE;
        }
        var forgotten = deliveryStore.forgottenAt(digest.getRecipient());
        if (forgotten.isPresent() && !digest.getPeriodEnd().isAfter(forgotten.get())) {
            // Made before its recipient was forgotten (parked for a retry, or replayed): not theirs any more.
            log.info("Not sending digest {} ({}): its recipient was forgotten", digest.getId(), position);
            return Outcome.DONE;
        }
        List<Alert> fresh = digest.getAlerts().stream()
                .filter(a -> !deliveryStore.contains(digest.getRecipient(), a.getPaper().getId())).toList();
        alreadyDelivered.addAndGet(digest.getAlerts().size() - fresh.size());
        if (fresh.isEmpty()) {
            return Outcome.DONE;
        }
        // A builder copies the whole digest deeply: only when some papers are left out.
        Digest toSend = fresh.size() == digest.getAlerts().size() ? digest
                : Digest.newBuilder(digest).setAlerts(fresh).build();
        List<String> paperIds = fresh.stream().map(a -> a.getPaper().getId()).toList();
        MimeMessage message;
        try {
            message = mailer.render(sender.session(), toSend);
            long sending = System.nanoTime();
            sender.send(message);
            smtpSend.record(Duration.ofNanos(System.nanoTime() - sending));
            smtpUnreachable = null;
        } catch (MessagingException | RuntimeException e) {
            String reply = FailureClassifier.smtpReply(e);
            String reason = (reply == null ? e.toString() : "SMTP " + reply) + " (to " + digest.getRecipient()
                    + ", papers " + String.join(" ", paperIds) + ")";
            switch (FailureClassifier.classify(e)) {
                case WAIT_FOR_SERVER -> {
                    log.warn("Will retry {}: {}", position, addressHash.redact(reason));
                    smtpUnreachable = reply == null ? e.toString() : "SMTP " + reply;
                    retries.incrementAndGet();
                    sender.reset();
                    return Outcome.WAIT_FOR_SERVER;
                }
                case RETRY_LATER -> park(record, position, reason);
                case GIVE_UP -> giveUp(Topics.DELIVERIES_FAILED, position, reason, record.value());
            }
            return Outcome.DONE;
        }
        // Outside the try: if the record cannot be written, the loop stops before committing, and
        // the digest is sent again after a restart rather than mislabelled as undeliverable.
        deliveryStore.record(digest.getRecipient(), paperIds, AlertMailer.messageId(toSend));
        emails.incrementAndGet();
        delivered.addAndGet(fresh.size());
        fresh.stream().map(Alert::getPaperTimestamp).filter(Objects::nonNull).min(Instant::compareTo)
                .ifPresent(oldest -> endToEnd.record(Duration.between(oldest, Instant.now())));
        synchronized (listener) {
            listener.delivered(toSend, message);
        }
        return Outcome.DONE;
    }

    /** A digests record without a value: its key was forgotten (said by a header), else nothing to send. */
    private void forget(ConsumerRecord<String, byte[]> record, String position) {
        long at = longHeader(record, Topics.FORGET_HEADER, -1);
        if (record.key() == null || at < 0) {
            log.warn("Skipping {}: a record without a digest", position);
            return;
        }
        int erased = deliveryStore.forget(record.key(), Instant.ofEpochMilli(at));
        log.info("Forgot a recipient ({}): {} delivered papers erased from the delivery record", position, erased);
    }

    /** Moves a digest its recipient's server refused for now out of the way of the others. */
    private void park(ConsumerRecord<String, byte[]> record, String position, String reason) {
        int attempt = (int) longHeader(record, ATTEMPT_HEADER, 0) + 1;
        if (attempt >= config.getInt(NotifierConfig.RETRY_MAX_ATTEMPTS)) {
            giveUp(Topics.DELIVERIES_FAILED, position, "Gave up after " + attempt + " attempts: " + reason, record.value());
            return;
        }
        long wait = backoff(attempt);
        log.warn("Parking {} for {} ms (attempt {}): {}", position, wait, attempt, addressHash.redact(reason));
        var parkedRecord = new ProducerRecord<>(Topics.DIGESTS_RETRY.name(), null,
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), record.value());
        parkedRecord.headers()
                .add(ATTEMPT_HEADER, String.valueOf(attempt).getBytes(StandardCharsets.UTF_8))
                .add(NOT_BEFORE_HEADER, String.valueOf(System.currentTimeMillis() + wait).getBytes(StandardCharsets.UTF_8))
                .add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        sendNow(parkedRecord, position);
        parked.incrementAndGet();
    }

    /** The wait before the {@code attempt}-th retry (from 1): doubling from the initial wait up to the maximum. */
    private long backoff(int attempt) {
        return Math.min(config.getLong(NotifierConfig.RETRY_INITIAL_MS) << Math.min(attempt - 1, 30),
                config.getLong(NotifierConfig.RETRY_MAX_MS));
    }

    private void giveUp(Topic<byte[], byte[]> topic, String position, String reason, byte[] payload) {
        log.warn("Giving up {}: {}", position, addressHash.redact(reason));
        sendNow(DeadLetters.record(topic, "notifier", position, reason, payload), position);
        gaveUp.incrementAndGet();
        synchronized (listener) {
            listener.gaveUp(reason);
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
            throw new IllegalStateException("Cannot move " + position + " to " + record.topic() + ": "
                    + e.getCause().getMessage(), e);
        }
    }

    private static long longHeader(ConsumerRecord<?, ?> record, String name, long otherwise) {
        Header header = record.headers().lastHeader(name);
        if (header == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private void closeClients() {
        if (workers != null) {
            workers.shutdownNow();
        }
        allSenders.forEach(SmtpMailSender::close);
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
