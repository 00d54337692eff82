package io.paperalerts.mail;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.operations.Health;
import io.paperalerts.operations.SupervisedWorker;
import io.paperalerts.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generation of each address's manage links, from the compacted {@code manage.generations}
 * topic: a manage link is a bearer credential for all of an address's subscriptions, so revoking
 * them (on the manage page) or forgetting the address starts a new generation and every older
 * link is refused. Every service that signs or checks manage links keeps the topic in memory (one
 * entry per address that ever revoked) with a reader that follows it.
 *
 * <p>Entries are keyed by the address's pseudonym ({@link AddressHash#pseudonym}), not the address:
 * a forgotten address's generation must outlive it, or its old links would work again if it came
 * back. Entries keyed by the address itself (written before) are still read, and removed when the
 * address revokes again or is forgotten.
 */
public final class ManageGenerations implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ManageGenerations.class);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Map<String, Long> generations = new ConcurrentHashMap<>();
    private final KafkaClients clients;
    private final AddressHash hash;
    /** Null without a cluster. */
    private final SupervisedWorker follower;

    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** Set while the generations are not known: the follower died and has not caught up again. */
    private volatile RuntimeException failure;

    private ManageGenerations(KafkaClients clients, AddressHash hash) {
        this.clients = clients;
        this.hash = hash;
        this.follower = clients == null ? null : SupervisedWorker.of("manage-generations", this::follow);
    }

    /** Follows the topic; returns once it has read what was there when it started. */
    public static ManageGenerations follow(KafkaClients clients, AddressHash hash) {
        ManageGenerations generations = new ManageGenerations(clients, hash);
        generations.follower.start();
        try {
            if (!generations.caughtUp.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Cannot read " + Topics.MANAGE_GENERATIONS + " within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading " + Topics.MANAGE_GENERATIONS, e);
        }
        return generations;
    }

    /** No revocations (tools and tests without a cluster): every address at generation 0. */
    public static ManageGenerations none() {
        return new ManageGenerations(null, null);
    }

    public long current(String address) {
        if (failure != null) {
            // Guessing 0 would make revoked links valid again.
            throw new IllegalStateException("The manage link generations are unknown: " + failure, failure);
        }
        long legacy = generations.getOrDefault(address, 0L);
        return hash == null ? legacy : Math.max(legacy, generations.getOrDefault(hash.pseudonym(address), 0L));
    }

    /** Starts a new generation for the address, revoking its older manage links. @return the new generation */
    public long revoke(String address) {
        if (follower == null) {
            throw new IllegalStateException("manage links cannot be revoked without a cluster");
        }
        long next = current(address) + 1;
        var topic = Topics.MANAGE_GENERATIONS;
        try (var producer = clients.producer(
                Map.<String, Object>of(
                        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) WAIT.toMillis()),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), hash.pseudonym(address), String.valueOf(next)))
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (generations.containsKey(address)) {
                producer.send(new ProducerRecord<>(topic.name(), address, null))
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while revoking manage links", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "Cannot revoke the manage links of recipient " + hash.of(address) + ": " + e, e);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while ((current(address) < next || generations.containsKey(address)) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return next;
    }

    /** Ready while the generations are known; not live once their follower stopped for good. */
    public Health health() {
        Health known = Health.of(
                Health.Status::up,
                () -> failure == null
                        ? Health.Status.up()
                        : Health.Status.down("the manage-link generations are unknown: " + failure));
        return follower == null ? known : Health.all(follower.health(), known);
    }

    /** Completes when the follower stopped for good: the service must exit. */
    public CompletableFuture<Throwable> gaveUp() {
        return follower == null ? new CompletableFuture<>() : follower.gaveUp();
    }

    /**
     * Reads the topic from its beginning, then follows it. A run that dies leaves the generations
     * unknown (manage links refused) until a restarted run has read the topic again.
     */
    private void follow(SupervisedWorker.Stopping stopping) {
        var topic = Topics.MANAGE_GENERATIONS;
        if (failure != null) {
            // Read again from the start: tombstones missed while dead may have been compacted away.
            generations.clear();
        }
        try (var consumer = clients.consumer(
                Map.<String, Object>of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            var partitions = topic.assignAll(consumer);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            boolean behind = true;
            while (!stopping.requested()) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        generations.remove(record.key());
                    } else {
                        try {
                            generations.merge(record.key(), Long.parseLong(record.value()), Math::max);
                        } catch (NumberFormatException e) {
                            log.warn("Ignoring a manage generation that is not a number: {}", record.value());
                        }
                    }
                }
                if (behind && partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p))) {
                    behind = false;
                    failure = null;
                    caughtUp.countDown();
                }
            }
        } catch (RuntimeException e) {
            // Without it, revoked links would work again: stop signing and checking manage links.
            failure = e;
            caughtUp.countDown();
            throw e;
        }
    }

    @Override
    public void close() {
        if (follower != null) {
            follower.close();
        }
    }
}
