package io.paperalerts.notifier;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.deadletter.DeadLetters;
import io.paperalerts.notifier.FailureClassifier.Verdict;
import io.paperalerts.schemas.Alert;
import io.paperalerts.topics.Topic;
import io.paperalerts.topics.TopicProvisioner;
import io.paperalerts.topics.Topics;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes alerts and emails each one. An alert's offset is committed only after the SMTP server
 * accepted its message (or after it was given up and dead-lettered), so a crash re-sends rather
 * than loses. A transient failure rewinds its partition and retries after an exponential backoff,
 * while other partitions go on; a permanent one goes to {@code deliveries.failed} with the SMTP
 * reply. Each accepted (recipient, paper) is recorded in the {@link DeliveryLog} before its offset
 * is committed, and never emailed again.
 */
public final class AlertNotifier implements AutoCloseable {

    /** Told of each outcome, e.g. to print what the demo sent. */
    public interface Listener {
        default void delivered(Alert alert, MimeMessage message) {
        }

        default void gaveUp(String reason) {
        }
    }

    private static final Logger log = LoggerFactory.getLogger(AlertNotifier.class);

    private final NotifierConfig config;
    private final Listener listener;
    private final AlertMailer mailer;
    private final SmtpMailSender sender;
    private final Consumer<String, byte[]> consumer;
    private final Producer<byte[], byte[]> deadLetters;
    private final Thread thread;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong alreadyDelivered = new AtomicLong();
    private final DeliveryLog deliveryLog;
    private volatile Throwable crash;

    public AlertNotifier(NotifierConfig config, Listener listener) {
        this.config = config;
        this.listener = listener;
        this.mailer = new AlertMailer(config.getString(NotifierConfig.MAIL_FROM), links(config));
        this.sender = new SmtpMailSender(config);
        List<String> bootstrap = config.getList(CommonConfig.BOOTSTRAP_SERVERS);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicProvisioner.createMissing(admin, Topics.ALL, config.getShort(CommonConfig.REPLICATION_FACTOR));
        }
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, config.getString(NotifierConfig.GROUP_ID),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // Alerts come from a transactional producer: never email an aborted one.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.deadLetters = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.deliveryLog = new DeliveryLog(bootstrap);
        this.thread = new Thread(this::run, "alert-notifier");
    }

    private static AlertMailer.Links links(NotifierConfig config) {
        String secret = config.getPassword(NotifierConfig.TOKEN_SECRET).value();
        byte[] key;
        if (secret.isEmpty()) {
            log.warn("No {} configured: links in emails are signed with a random secret and stop working "
                    + "after a restart", NotifierConfig.TOKEN_SECRET);
            key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
        } else {
            key = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return new AlertMailer.Links(config.getString(NotifierConfig.LINKS_BASE_URL).replaceFirst("/+$", ""),
                config.getString(NotifierConfig.UNSUBSCRIBE_MAILTO),
                new LinkTokens(key, Duration.ofDays(config.getInt(NotifierConfig.TOKEN_TTL_DAYS)),
                        java.time.Clock.systemUTC()));
    }

    public AlertNotifier start() {
        thread.start();
        return this;
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    public long delivered() {
        return delivered.get();
    }

    public long gaveUp() {
        return gaveUp.get();
    }

    /** Alerts skipped because their (recipient, paper) was delivered before. */
    public long alreadyDelivered() {
        return alreadyDelivered.get();
    }

    /** Transient failures so far, each followed by a retry. */
    public long retries() {
        return retries.get();
    }

    /** Set when the loop died of an unexpected error. */
    public Throwable crash() {
        return crash;
    }

    private void run() {
        long backoff = 0;
        try {
            consumer.subscribe(List.of(Topics.ALERTS.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // Another instance may have delivered alerts of these partitions until now.
                    deliveryLog.reload();
                }
            });
            while (stopping.getCount() > 0) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                boolean mustWait = deliverAll(records);
                if (mustWait) {
                    backoff = backoff == 0 ? config.getLong(NotifierConfig.RETRY_INITIAL_MS)
                            : Math.min(backoff * 2, config.getLong(NotifierConfig.RETRY_MAX_MS));
                    long jittered = backoff / 2 + (long) (Math.random() * (backoff / 2 + 1));
                    stopping.await(jittered, TimeUnit.MILLISECONDS);
                } else if (!records.isEmpty()) {
                    backoff = 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            crash = e;
            log.error("Notifier stopped: {}", e.toString(), e);
        } finally {
            sender.close();
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            deadLetters.close(Duration.ofSeconds(5));
            deliveryLog.close();
        }
    }

    /** @return whether a partition hit a transient failure and was rewound */
    private boolean deliverAll(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        boolean rewound = false;
        for (TopicPartition partition : records.partitions()) {
            boolean complete = true;
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (stopping.getCount() == 0 || !deliver(record)) {
                    consumer.seek(partition, record.offset());
                    rewound = true;
                    complete = false;
                    break;
                }
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
            if (complete) {
                // The position is past any transaction marker after the last alert, so a caught-up
                // notifier shows no lag.
                done.put(partition, new OffsetAndMetadata(consumer.position(partition)));
            }
        }
        if (!done.isEmpty()) {
            consumer.commitSync(done);
        }
        return rewound;
    }

    /** @return false if the record must be retried later */
    private boolean deliver(ConsumerRecord<String, byte[]> record) {
        String position = record.topic() + "-" + record.partition() + "@" + record.offset();
        Alert alert;
        try {
            alert = Topics.ALERTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            giveUp(Topics.DEAD_LETTERS, position, e.getMessage(), record.value());
            return true;
        }
        if (deliveryLog.contains(alert.getRecipient(), alert.getPaper().getId())) {
            alreadyDelivered.incrementAndGet();
            return true;
        }
        MimeMessage message;
        try {
            message = mailer.render(sender.session(), alert);
            sender.send(message);
        } catch (MessagingException | RuntimeException e) {
            Integer code = FailureClassifier.smtpReplyCode(e);
            String reason = (code == null ? "" : "SMTP " + code + ": ") + e.getMessage() + " (to " + alert.getRecipient()
                    + ", paper " + alert.getPaper().getId() + ")";
            if (FailureClassifier.classify(e) == Verdict.RETRY) {
                log.warn("Will retry {}: {}", position, reason);
                retries.incrementAndGet();
                sender.reset();
                return false;
            }
            giveUp(Topics.DELIVERIES_FAILED, position, reason, record.value());
            return true;
        }
        // Outside the try: if the record cannot be written, the loop stops before committing, and
        // the alert is sent again after a restart rather than mislabelled as undeliverable.
        deliveryLog.record(alert.getRecipient(), alert.getPaper().getId(), AlertMailer.messageId(alert));
        delivered.incrementAndGet();
        listener.delivered(alert, message);
        return true;
    }

    private void giveUp(Topic<byte[], byte[]> topic, String position, String reason, byte[] payload) {
        log.warn("Giving up {}: {}", position, reason);
        try {
            // Synchronously: the offset is committed next, and the dead letter must not be lost.
            deadLetters.send(DeadLetters.record(topic, "notifier", position, reason, payload)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while dead-lettering " + position, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot dead-letter " + position + ": " + e.getCause().getMessage(), e);
        }
        gaveUp.incrementAndGet();
        listener.gaveUp(reason);
    }

    /**
     * Stops after the alert being sent, commits what was delivered and closes. No wakeup(): it could
     * interrupt the commit of messages already sent, which would then be sent again.
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
            sender.close();
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            deadLetters.close(Duration.ofSeconds(5));
            deliveryLog.close();
        }
    }
}
