package io.paperalerts.kafka;

import io.paperalerts.topics.TopicProvisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up step every service takes before its clients work: the cluster answers, the
 * service's principal has the access it needs ({@link ServiceAccess}), its missing topics are
 * created and every partition accepts writes. Whatever is wrong ends it within a minute with one
 * {@link KafkaProblem} naming the cause, instead of clients retrying for ever behind a wrong
 * password, certificate, protocol or ACL.
 */
public final class KafkaStartup {

    private static final Logger log = LoggerFactory.getLogger(KafkaStartup.class);

    /** How long the cluster has to answer the first request. */
    static final int ANSWER_TIMEOUT_MS = 30_000;

    /** How long a healthy cluster takes at most to answer, before the listener itself is looked at. */
    private static final int FIRST_LOOK_MS = 3_000;

    private KafkaStartup() {}

    /** Prepares the cluster for {@code access}'s service; throws a {@link KafkaProblem} when it cannot be. */
    public static void prepare(KafkaClients clients, ServiceAccess access, short replicationFactor) {
        Admin admin = startUpAdmin(clients);
        boolean prepared = false;
        try {
            awaitListener(clients);
            awaitCluster(admin, clients);
            List<String> missing = new ArrayList<>();
            missing.addAll(missingOnTopics(admin, clients, access));
            missing.addAll(missingOnInternalTopics(admin, access));
            missing.addAll(missingOnGroups(admin, access));
            missing.addAll(missingOnTransactions(admin, access));
            if (!missing.isEmpty()) {
                throw KafkaProblem.of(clients.principal() + " is not authorized to " + String.join("; ", missing)
                        + ", which the " + access.service() + " service needs (grant it: paper-alerts acls --"
                        + access.service() + " PRINCIPAL)");
            }
            provision(admin, clients, access, replicationFactor);
            prepared = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while preparing the Kafka cluster", e);
        } catch (ExecutionException e) {
            throw KafkaProblem.explainOrKeep(
                    new IllegalStateException(
                            "Cannot list topics: " + e.getCause().getMessage(), e.getCause()),
                    clients);
        } catch (RuntimeException e) {
            throw KafkaProblem.explainOrKeep(e, clients);
        } finally {
            close(admin, prepared);
        }
    }

    private static Admin startUpAdmin(KafkaClients clients) {
        return clients.admin(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                ANSWER_TIMEOUT_MS / 3,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                ANSWER_TIMEOUT_MS));
    }

    /** After a failure, requests still retrying would hold a plain close() for their whole timeout. */
    private static void close(Admin admin, boolean succeeded) {
        admin.close(succeeded ? Duration.ofSeconds(5) : Duration.ZERO);
    }

    /** Waits for the cluster's first answer to {@code clients}; throws a {@link KafkaProblem} when none comes. */
    public static void awaitCluster(KafkaClients clients) {
        Admin admin = startUpAdmin(clients);
        boolean answered = false;
        try {
            awaitCluster(admin, clients);
            answered = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka cluster", e);
        } finally {
            close(admin, answered);
        }
    }

    private static void awaitCluster(Admin admin, KafkaClients clients) throws InterruptedException {
        KafkaFuture<?> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(ANSWER_TIMEOUT_MS))
                .nodes();
        try {
            try {
                nodes.get(FIRST_LOOK_MS, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException slow) {
                // A client whose protocol does not match the listener is not refused, only cut off
                // and left retrying: look at the listener now rather than after the whole timeout.
                throwIfListenerMismatch(clients);
            }
            nodes.get(ANSWER_TIMEOUT_MS + 5_000L - FIRST_LOOK_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            KafkaProblem explained = KafkaProblem.explain(cause, clients);
            if (explained != null && !(cause instanceof SslAuthenticationException)) {
                throw explained;
            }
            throwIfListenerMismatch(clients);
            if (explained != null) {
                throw explained;
            }
            throw KafkaProblem.of("No answer from Kafka at " + String.join(",", clients.bootstrapServers()) + " over "
                    + clients.securityProtocol() + " within " + ANSWER_TIMEOUT_MS / 1000 + " s as "
                    + clients.principal() + ": " + cause.getMessage()
                    + " (check bootstrap.servers and kafka.* settings)");
        }
    }

    /**
     * A service started together with its broker (in one shell, by a supervisor, by compose) waits
     * until a bootstrap server accepts connections, within the answer timeout; after it, the
     * first request says what is wrong. Commands (status, ...) do not wait: a mistyped address
     * is told at once.
     */
    private static void awaitListener(KafkaClients clients) throws InterruptedException {
        long deadline = System.nanoTime() + ANSWER_TIMEOUT_MS * 1_000_000L;
        boolean told = false;
        while (System.nanoTime() < deadline) {
            for (String server : clients.bootstrapServers()) {
                if (ListenerProbe.accepts(server.trim())) {
                    return;
                }
            }
            if (!told) {
                log.info(
                        "Waiting up to {} s for Kafka at {} to accept connections",
                        ANSWER_TIMEOUT_MS / 1000,
                        String.join(",", clients.bootstrapServers()));
                told = true;
            }
            Thread.sleep(500);
        }
    }

    private static void throwIfListenerMismatch(KafkaClients clients) {
        for (String server : clients.bootstrapServers()) {
            String seen = ListenerProbe.diagnose(server.trim(), clients.securityProtocol());
            if (seen != null) {
                throw KafkaProblem.of("Cannot reach Kafka at " + String.join(",", clients.bootstrapServers()) + " over "
                        + clients.securityProtocol() + ": " + seen);
            }
        }
    }

    private static List<String> missingOnTopics(Admin admin, KafkaClients clients, ServiceAccess access)
            throws InterruptedException {
        List<ServiceAccess.Grant> grants = access.grants().stream()
                .filter(g -> g.type() == ResourceType.TOPIC && g.pattern() == PatternType.LITERAL)
                .toList();
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(
                        grants.stream().map(ServiceAccess.Grant::name).toList(),
                        new DescribeTopicsOptions().includeAuthorizedOperations(true))
                .topicNameValues();
        List<String> missing = new ArrayList<>();
        for (ServiceAccess.Grant grant : grants) {
            Set<AclOperation> needed = EnumSet.copyOf(grant.operations());
            needed.remove(AclOperation.CREATE);
            try {
                Set<AclOperation> authorized = described.get(grant.name()).get().authorizedOperations();
                if (authorized != null && !authorized.contains(AclOperation.ALL)) {
                    needed.removeAll(authorized);
                    if (!needed.isEmpty()) {
                        missing.add(operations(needed) + " topic " + grant.name());
                    }
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    missing.add(operations(needed) + " topic " + grant.name());
                } else if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    // Missing topics are created next, which needs CREATE; anything else is the cluster's.
                    throw KafkaProblem.explainOrKeep(
                            new IllegalStateException(
                                    "Cannot describe topic " + grant.name() + ": "
                                            + e.getCause().getMessage(),
                                    e.getCause()),
                            clients);
                }
            }
        }
        return missing;
    }

    /**
     * Creates the catalogue topics that are missing where the principal may (a local cluster without
     * ACLs); on a secured cluster they are an administrator's to create, and their absence is said so.
     */
    private static void provision(Admin admin, KafkaClients clients, ServiceAccess access, short replicationFactor) {
        try {
            TopicProvisioner.createMissing(admin, access.topics(), replicationFactor);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof TopicAuthorizationException
                    || e.getCause() instanceof ClusterAuthorizationException) {
                throw KafkaProblem.of(e.getMessage().replaceFirst(":.*", "") + ": it does not exist and "
                        + clients.principal() + " may not create it; create the catalogue's topics as an "
                        + "administrator: paper-alerts topics --config ADMIN.properties");
            }
            throw e;
        }
    }

    /** Kafka Streams' internal topics that exist already, checked like the catalogue's. */
    private static List<String> missingOnInternalTopics(Admin admin, ServiceAccess access)
            throws InterruptedException, ExecutionException {
        List<String> missing = new ArrayList<>();
        for (ServiceAccess.Grant grant : access.grants()) {
            if (grant.type() != ResourceType.TOPIC || grant.pattern() != PatternType.PREFIXED) {
                continue;
            }
            Set<AclOperation> needed = EnumSet.copyOf(grant.operations());
            if (needed.remove(AclOperation.CREATE)
                    && !mayCreate(admin, grant.name() + "-paper-alerts-start-up-check")) {
                missing.add("CREATE topics " + grant.name() + "*");
            }
            List<String> internal = admin.listTopics().names().get().stream()
                    .filter(name -> name.startsWith(grant.name()))
                    .sorted()
                    .toList();
            if (internal.isEmpty()) {
                // None yet (Kafka Streams creates them), or none this principal may see (which
                // READ would let it): creating was checked above, the rest is checked once they exist.
                continue;
            }
            for (var described : admin.describeTopics(
                            internal, new DescribeTopicsOptions().includeAuthorizedOperations(true))
                    .allTopicNames()
                    .get()
                    .values()) {
                Set<AclOperation> authorized = described.authorizedOperations();
                if (authorized != null && !authorized.contains(AclOperation.ALL)) {
                    Set<AclOperation> lacking = EnumSet.copyOf(needed);
                    lacking.removeAll(authorized);
                    if (!lacking.isEmpty()) {
                        missing.add(
                                operations(lacking) + " topics " + grant.name() + "* (e.g. " + described.name() + ")");
                        break;
                    }
                }
            }
        }
        return missing;
    }

    /** Whether the principal may create this topic: asked without creating it. */
    private static boolean mayCreate(Admin admin, String topic) throws InterruptedException {
        try {
            admin.createTopics(
                            List.of(new NewTopic(topic, Optional.empty(), Optional.empty())),
                            new CreateTopicsOptions().validateOnly(true))
                    .all()
                    .get();
            return true;
        } catch (ExecutionException e) {
            return !(e.getCause() instanceof TopicAuthorizationException
                    || e.getCause() instanceof ClusterAuthorizationException);
        }
    }

    /**
     * Transactional ids: no API tells what one may do with them, but describing one needs DESCRIBE,
     * which WRITE implies and nothing else grants here; an id never used is "not found" when allowed.
     */
    private static List<String> missingOnTransactions(Admin admin, ServiceAccess access) throws InterruptedException {
        List<String> missing = new ArrayList<>();
        for (ServiceAccess.Grant grant : access.grants()) {
            if (grant.type() != ResourceType.TRANSACTIONAL_ID) {
                continue;
            }
            String probe =
                    grant.name() + (grant.pattern() == PatternType.PREFIXED ? "-paper-alerts-start-up-check" : "");
            try {
                admin.describeTransactions(List.of(probe)).all().get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TransactionalIdAuthorizationException) {
                    missing.add("WRITE transactional ids " + grant.name()
                            + (grant.pattern() == PatternType.PREFIXED ? "*" : ""));
                }
            }
        }
        return missing;
    }

    private static List<String> missingOnGroups(Admin admin, ServiceAccess access) throws InterruptedException {
        List<String> groups = access.grants().stream()
                .filter(g -> g.type() == ResourceType.GROUP && g.pattern() == PatternType.LITERAL)
                .map(ServiceAccess.Grant::name)
                .toList();
        if (groups.isEmpty()) {
            return List.of();
        }
        var described = admin.describeConsumerGroups(
                        groups, new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                .describedGroups();
        List<String> missing = new ArrayList<>();
        for (String group : groups) {
            try {
                Set<AclOperation> authorized = described.get(group).get().authorizedOperations();
                if (authorized != null
                        && !authorized.isEmpty()
                        && !authorized.contains(AclOperation.READ)
                        && !authorized.contains(AclOperation.ALL)) {
                    missing.add("READ group " + group);
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupAuthorizationException) {
                    missing.add("READ group " + group);
                } else if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw new IllegalStateException(
                            "Cannot describe consumer group " + group + ": "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            }
        }
        return missing;
    }

    private static String operations(Set<AclOperation> operations) {
        return operations.stream().map(AclOperation::name).sorted().collect(Collectors.joining(" and "));
    }
}
