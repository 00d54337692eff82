package io.paperalerts.notifier;

import io.paperalerts.mail.SmtpMailSender;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Delivers what one poll returned over the SMTP connections, and the parked digests whose time
 * has come. Where a send must wait for the server, the partition is sought back to its first record
 * not done ({@code seek}), so the next poll reads it again.
 */
final class BatchDelivery implements AutoCloseable {

    /** One per SMTP connection; a sender is used by one thread at a time. */
    private final BlockingQueue<SmtpMailSender> senders;

    private final List<SmtpMailSender> allSenders = new ArrayList<>();
    /** Sends over the connections at once, for other recipients; null with a single connection. */
    private final ExecutorService workers;

    private final DigestDelivery delivery;
    private final ParkedDigests parked;
    private final BooleanSupplier stopping;
    private final BiConsumer<TopicPartition, Long> seek;

    BatchDelivery(
            int connections,
            Supplier<SmtpMailSender> connect,
            DigestDelivery delivery,
            ParkedDigests parked,
            BooleanSupplier stopping,
            BiConsumer<TopicPartition, Long> seek) {
        for (int i = 0; i < connections; i++) {
            allSenders.add(connect.get());
        }
        this.senders = new ArrayBlockingQueue<>(connections, false, allSenders);
        AtomicInteger workerNumber = new AtomicInteger();
        this.workers = connections == 1
                ? null
                : Executors.newFixedThreadPool(connections, runnable -> {
                    Thread worker = new Thread(runnable, "alert-notifier-smtp-" + workerNumber.incrementAndGet());
                    worker.setDaemon(true);
                    return worker;
                });
        this.delivery = delivery;
        this.parked = parked;
        this.stopping = stopping;
        this.seek = seek;
    }

    /** @return whether the server was unreachable and everything must wait */
    boolean deliver(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        return workers == null ? deliverInOrder(records) : deliverAtOnce(records);
    }

    /** Over one connection: every record in offset order. */
    private boolean deliverInOrder(ConsumerRecords<String, byte[]> records) {
        SmtpMailSender sender = allSenders.get(0);
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (stopping.getAsBoolean()) {
                    seek.accept(partition, record.offset());
                    break;
                }
                if (parked.setAsideIfNotDue(partition, record)) {
                    continue;
                }
                if (delivery.deliver(record, sender) == DigestDelivery.Outcome.WAIT_FOR_SERVER) {
                    seek.accept(partition, record.offset());
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
                if (parked.setAsideIfNotDue(partition, record)) {
                    aside.add(record);
                    continue;
                }
                String chain = record.key() != null
                        ? record.key()
                        : record.topic() + "-" + record.partition() + "@" + record.offset();
                byRecipient.computeIfAbsent(chain, r -> new ArrayList<>()).add(record);
            }
        }
        Map<ConsumerRecord<String, byte[]>, DigestDelivery.Outcome> outcomes = new ConcurrentHashMap<>();
        List<Future<?>> chains = new ArrayList<>();
        for (List<ConsumerRecord<String, byte[]>> chain : byRecipient.values()) {
            chains.add(workers.submit(() -> {
                SmtpMailSender sender = senders.take();
                try {
                    for (ConsumerRecord<String, byte[]> record : chain) {
                        if (stopping.getAsBoolean()) {
                            break;
                        }
                        DigestDelivery.Outcome outcome = delivery.deliver(record, sender);
                        outcomes.put(record, outcome);
                        if (outcome == DigestDelivery.Outcome.WAIT_FOR_SERVER) {
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
                throw e.getCause() instanceof RuntimeException runtime
                        ? runtime
                        : new IllegalStateException(e.getCause());
            }
        }
        boolean mustWait = outcomes.containsValue(DigestDelivery.Outcome.WAIT_FOR_SERVER);
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (!aside.contains(record) && outcomes.get(record) != DigestDelivery.Outcome.DONE) {
                    seek.accept(partition, record.offset());
                    break;
                }
            }
        }
        return mustWait;
    }

    /** After a stop for an unreachable server, every partition not yet handled reads its records again. */
    private void seekBackOthers(ConsumerRecords<String, byte[]> records, TopicPartition stoppedAt) {
        boolean after = false;
        for (TopicPartition partition : records.partitions()) {
            if (after) {
                seek.accept(partition, records.records(partition).get(0).offset());
            }
            after |= partition.equals(stoppedAt);
        }
    }

    /** Delivers the parked digests whose time has come. @return whether the server was unreachable */
    boolean deliverDueParked() {
        SmtpMailSender sender = allSenders.get(0);
        for (ConsumerRecord<String, byte[]> record : parked.due()) {
            if (stopping.getAsBoolean()) {
                break;
            }
            if (delivery.deliver(record, sender) == DigestDelivery.Outcome.WAIT_FOR_SERVER) {
                return true;
            }
            parked.done(record);
        }
        return false;
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
        allSenders.forEach(SmtpMailSender::close);
    }
}
