package io.paperalerts.queries;

import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.operations.SupervisedWorker;
import java.util.function.Predicate;

/**
 * The backfills of confirmed registrations. They match papers and write alerts, which is the
 * streams service's code; registration, which confirms them, runs their worker, so that it starts,
 * reports its health and stops with the server.
 */
@FunctionalInterface
public interface Backfills {

    /**
     * Its worker, not yet started, that reads {@code backfill.requests} as {@code groupId}.
     *
     * @param stillSubscribed whether a subscription (by id) still exists: a request read again after
     *     its subscription was cancelled or its address forgotten sends nothing
     */
    Requests requests(KafkaClients clients, String groupId, Predicate<String> stillSubscribed);

    /** The requests as one server works through them. */
    interface Requests extends AutoCloseable {
        Requests start();

        /** Ready while it reads requests; gives up (the service must exit) when it keeps dying. */
        SupervisedWorker worker();

        @Override
        void close();
    }
}
