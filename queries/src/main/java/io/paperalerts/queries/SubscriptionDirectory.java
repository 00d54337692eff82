package io.paperalerts.queries;

import io.paperalerts.schemas.Subscription;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What registration asks the streams service: the subscriptions as its store holds them (the
 * compacted topic, read by interactive query). Registration writes to the topic itself; this is
 * how it sees its writes and everyone else's.
 */
public interface SubscriptionDirectory {

    Optional<Subscription> subscription(String id);

    /** Every subscription of one address, in any status, oldest first. */
    List<Subscription> subscriptionsOf(String email);

    /** Subscriptions still pending that were created before {@code created}. */
    List<Subscription> pendingCreatedBefore(Instant created);
}
