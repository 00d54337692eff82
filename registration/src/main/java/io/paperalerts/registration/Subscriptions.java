package io.paperalerts.registration;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.mail.LinkTokens;
import io.paperalerts.queries.Recipients;
import io.paperalerts.queries.SubscriptionDirectory;
import io.paperalerts.schemas.Subscription;
import io.paperalerts.schemas.SubscriptionStatus;
import io.paperalerts.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions as registration changes them: writes go to the compacted topic, reads come
 * from the streams service's store ({@link SubscriptionDirectory}), and a write waits until the
 * store shows it, so the next page reads what was just written.
 */
final class Subscriptions implements AutoCloseable {

    /**
     * How long a request waits for its write, and then for the store to show it: someone is waiting
     * for the page, so answer before they give up.
     */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);

    private final SubscriptionDirectory directory;
    private final KafkaProducer<String, Subscription> producer;
    private final Clock clock;
    private final Duration confirmTtl;

    Subscriptions(KafkaClients clients, SubscriptionDirectory directory, Duration confirmTtl, Clock clock) {
        this.directory = directory;
        this.confirmTtl = confirmTtl;
        this.clock = clock;
        var topic = Topics.SUBSCRIPTIONS;
        this.producer = clients.awaitedProducer(
                WRITE_TIMEOUT, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    Optional<Subscription> find(String id) {
        return directory.subscription(id);
    }

    /**
     * One pending confirmation per address: a new registration replaces the ones not yet
     * confirmed, so the inbox holds one live link, and an unconfirmed address collects nothing.
     */
    void replacePending(String email) {
        for (Subscription earlier : directory.subscriptionsOf(email)) {
            if (earlier.getStatus() == SubscriptionStatus.PENDING) {
                send(new ProducerRecord<>(Topics.SUBSCRIPTIONS.name(), earlier.getId(), null));
            }
        }
    }

    /** What an unsubscribe link stops: its subscriptions, or, when it names none, all of its address's. */
    List<Subscription> unsubscribed(LinkTokens.Claims claims) {
        if (claims.subscriptionIds().isEmpty()) {
            return shownTo(claims.recipient());
        }
        return claims.subscriptionIds().stream()
                .map(directory::subscription)
                .flatMap(Optional::stream)
                .filter(s -> Recipients.same(s.getEmail(), claims.recipient()))
                .toList();
    }

    /** @return whether it was active already */
    boolean activate(String id) {
        Subscription subscription =
                directory.subscription(id).orElseThrow(() -> ApiError.notFound("no subscription " + id));
        if (subscription.getStatus() == SubscriptionStatus.ACTIVE) {
            return true;
        }
        if (subscription.getStatus() == SubscriptionStatus.CANCELLED) {
            throw ApiError.notFound("subscription " + id + " was cancelled; subscribe again");
        }
        Subscription active = Subscription.newBuilder(subscription)
                .setStatus(SubscriptionStatus.ACTIVE)
                .setConfirmed(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .build();
        if (active.getBackfillDays() > 0) {
            // Asked for durably before the confirmation is saved: a crash in between leaves a
            // request that runs once a service is back (and again if confirmed again: the delivery
            // record keeps it from sending twice), never a confirmed subscription without its backfill.
            send(new ProducerRecord<>(Topics.BACKFILL_REQUESTS.name(), active.getId(), active));
        }
        writeAndAwait(active);
        return false;
    }

    void remove(Subscription subscription) {
        send(new ProducerRecord<>(Topics.SUBSCRIPTIONS.name(), subscription.getId(), null));
        awaitVisible(subscription.getId(), s -> s == null);
    }

    /** Every subscription of an address: pending, active and cancelled. */
    List<Subscription> everyOf(String email) {
        return directory.subscriptionsOf(email);
    }

    /** An address's subscriptions as its owner manages them: cancelled ones are gone. */
    List<Subscription> shownTo(String email) {
        return directory.subscriptionsOf(email).stream()
                .filter(s -> s.getStatus() != SubscriptionStatus.CANCELLED)
                .toList();
    }

    Subscription owned(String id, String email) {
        Subscription subscription =
                directory.subscription(id).orElseThrow(() -> ApiError.notFound("no subscription " + id));
        if (!Recipients.same(subscription.getEmail(), email)) {
            throw ApiError.forbidden("subscription " + id + " is not one of " + email + "'s");
        }
        return subscription;
    }

    void write(Subscription subscription) {
        send(new ProducerRecord<>(Topics.SUBSCRIPTIONS.name(), subscription.getId(), subscription));
    }

    /** Writes, then waits until the store shows it, so the next page reads what was just written. */
    void writeAndAwait(Subscription subscription) {
        write(subscription);
        awaitVisible(
                subscription.getId(),
                shown -> shown != null
                        && shown.getStatus() == subscription.getStatus()
                        && shown.getQuery().equals(subscription.getQuery())
                        && shown.getDelivery() == subscription.getDelivery()
                        && shown.getTimezone().equals(subscription.getTimezone())
                        && Objects.equals(shown.getArchiveToken(), subscription.getArchiveToken()));
    }

    void send(ProducerRecord<String, Subscription> record) {
        try {
            producer.send(record).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Cannot write subscription {}: {}", record.key(), e.toString());
            throw ApiError.unavailable("cannot save the subscription now; please try again later");
        }
    }

    void awaitVisible(String id, Predicate<Subscription> shown) {
        long deadline = System.nanoTime() + WRITE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (shown.test(directory.subscription(id).orElse(null))) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn(
                "Subscription {} was written but is not visible in the store after {} s",
                id,
                WRITE_TIMEOUT.toSeconds());
    }

    /**
     * Removes the subscriptions whose confirmation link has expired: they can never be confirmed,
     * and an address that never confirmed must not stay on file. Every instance sweeps; the
     * removals are tombstones, the same whoever writes them.
     *
     * @return how many were removed
     */
    int expirePending(Instant now) {
        List<Subscription> expired = directory.pendingCreatedBefore(now.minus(confirmTtl));
        expired.forEach(s -> send(new ProducerRecord<>(Topics.SUBSCRIPTIONS.name(), s.getId(), null)));
        if (!expired.isEmpty()) {
            log.info("Removed {} pending subscriptions never confirmed", expired.size());
        }
        return expired.size();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
