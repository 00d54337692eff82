package io.paperalerts.operations;

import io.paperalerts.kafka.KafkaClients;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether the cluster answers now. Clients retry forever behind a broker outage without changing
 * state (Kafka Streams stays RUNNING), so readiness asks the cluster itself, with a short timeout.
 */
public final class BrokerCheck implements AutoCloseable {

    private static final int TIMEOUT_MS = 3_000;
    private final Admin admin;

    public BrokerCheck(KafkaClients clients) {
        this.admin = clients.admin(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000));
    }

    public Health.Status status() {
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
                    .nodes()
                    .get(TIMEOUT_MS + 500L, TimeUnit.MILLISECONDS)
                    .size();
            return nodes > 0 ? Health.Status.up() : Health.Status.down("the Kafka cluster has no brokers");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.Status.down("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            return Health.Status.down("the Kafka cluster does not answer within " + TIMEOUT_MS + " ms");
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
