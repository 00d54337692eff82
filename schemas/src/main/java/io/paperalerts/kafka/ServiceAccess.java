package io.paperalerts.kafka;

import io.paperalerts.topics.Topic;
import io.paperalerts.topics.Topics;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What one service may do on the cluster, and nothing more: the catalogue topics it reads and
 * writes, its consumer groups, and for Kafka Streams its internal topics and transactions. The ACLs of {@code paper-alerts acls}, the start-up
 * check of each service and {@code docs/security.md} all come from here.
 *
 * @param service the service's name, as in {@code paper-alerts acls --ingest}
 * @param grants what it needs, each a resource and the operations on it
 */
public record ServiceAccess(String service, List<Grant> grants) {

    /** Operations on one resource, a literal name or every name with a prefix. */
    public record Grant(ResourceType type, String name, PatternType pattern, Set<AclOperation> operations, String why) {

        public Grant {
            operations = Set.copyOf(operations);
        }

        public ResourcePattern resource() {
            return new ResourcePattern(type, name, pattern);
        }

        @Override
        public String toString() {
            return operations.stream().map(op -> op.name()).sorted().collect(Collectors.joining(","))
                    + " on " + type.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " " + name
                    + (pattern == PatternType.PREFIXED ? "*" : "");
        }
    }

    public ServiceAccess {
        grants = List.copyOf(grants);
    }

    public static final String INGEST = "ingest";
    public static final String STREAMS = "streams";
    public static final String NOTIFIER = "notifier";

    // READ and WRITE imply DESCRIBE, which is all the start-up needs of a topic that exists. The
    // catalogue's topics are created by an administrator (paper-alerts topics), so no service may
    // create or delete them; only Kafka Streams creates topics, its own internal ones.
    private static final Set<AclOperation> READ = EnumSet.of(AclOperation.READ);
    private static final Set<AclOperation> WRITE = EnumSet.of(AclOperation.WRITE);
    private static final Set<AclOperation> READ_WRITE = EnumSet.of(AclOperation.READ, AclOperation.WRITE);

    /** Ingest publishes papers, what is not a paper, and its own checkpoints. */
    public static ServiceAccess ingest() {
        return new ServiceAccess(
                INGEST,
                List.of(
                        topic(Topics.PAPERS, WRITE, "publishes each new paper"),
                        topic(Topics.PAPERS_REJECTED, WRITE, "publishes input that is not a paper"),
                        topic(Topics.INGEST_CHECKPOINTS, READ_WRITE, "remembers what each source published")));
    }

    /**
     * The streams service's Kafka Streams application: matching, digests, trending and the archive.
     *
     * @param applicationId {@code streams.application.id}: its group, and the prefix of its internal
     *     topics and transactional ids
     */
    public static ServiceAccess streams(String applicationId) {
        return new ServiceAccess(
                STREAMS,
                List.of(
                        topic(Topics.PAPERS, READ, "matches papers"),
                        topic(Topics.SUBSCRIPTIONS, READ, "the subscriptions table"),
                        topic(Topics.ALERTS, READ_WRITE, "matches become alerts, alerts become digests"),
                        topic(Topics.PAPERS_ALERTED, READ_WRITE, "each paper that alerts name, stored once"),
                        topic(Topics.DIGESTS, WRITE, "one record per email"),
                        topic(Topics.PAPERS_TRENDING, READ_WRITE, "the upvoted papers of each day"),
                        topic(Topics.FORGET_REQUESTS, READ_WRITE, "erases forgotten addresses, then the request"),
                        topic(Topics.FEEDBACK, READ_WRITE, "learns each reader's ranking; erases a forgotten reader's"),
                        topic(Topics.DIGESTS_BACKFILL, READ, "puts backfill digests in their readers' order"),
                        topic(Topics.DEAD_LETTERS, WRITE, "records that cannot be processed"),
                        new Grant(
                                ResourceType.TOPIC,
                                applicationId,
                                PatternType.PREFIXED,
                                EnumSet.of(
                                        AclOperation.CREATE,
                                        AclOperation.READ,
                                        AclOperation.WRITE,
                                        AclOperation.DESCRIBE_CONFIGS,
                                        AclOperation.DELETE),
                                "Kafka Streams' changelog and repartition topics: it creates and checks them, and purges "
                                        + "what it consumed of the latter"),
                        new Grant(
                                ResourceType.GROUP,
                                applicationId,
                                PatternType.LITERAL,
                                EnumSet.of(AclOperation.READ),
                                "Kafka Streams' consumer group"),
                        new Grant(
                                ResourceType.TRANSACTIONAL_ID,
                                applicationId,
                                PatternType.PREFIXED,
                                EnumSet.of(AclOperation.WRITE),
                                "exactly-once processing")));
    }

    /**
     * Registration, which runs in the streams service: subscriptions, their backfills, manage links
     * and the recent papers of the front page.
     *
     * @param backfillGroupId {@code registration.backfill.group.id}
     */
    public static ServiceAccess registration(String backfillGroupId) {
        return new ServiceAccess(
                STREAMS,
                List.of(
                        topic(Topics.PAPERS, READ, "previews and backfills read the recent papers"),
                        topic(Topics.SUBSCRIPTIONS, WRITE, "registers, confirms and cancels subscriptions"),
                        topic(Topics.BACKFILL_REQUESTS, READ_WRITE, "backfills of confirmed registrations"),
                        topic(Topics.ALERTS, WRITE, "backfills write alerts"),
                        topic(
                                Topics.DIGESTS_BACKFILL,
                                WRITE,
                                "backfills write digests, for the streams service to rank"),
                        topic(Topics.MANAGE_GENERATIONS, READ_WRITE, "revokes manage links"),
                        topic(Topics.FORGET_REQUESTS, WRITE, "\"delete all my data\" on the manage page"),
                        topic(
                                Topics.FEEDBACK,
                                WRITE,
                                "\"more like this\", \"less like this\", their undo, a forgotten reader's end"),
                        topic(Topics.DEAD_LETTERS, WRITE, "backfill requests that cannot be read"),
                        new Grant(
                                ResourceType.GROUP,
                                backfillGroupId,
                                PatternType.LITERAL,
                                EnumSet.of(AclOperation.READ),
                                "works through backfill requests")));
    }

    /** What this and {@code other} need together, the operations on one resource joined. */
    public ServiceAccess plus(ServiceAccess other) {
        Map<ResourcePattern, Grant> joined = new LinkedHashMap<>();
        for (Grant grant : Stream.concat(grants.stream(), other.grants.stream()).toList()) {
            joined.merge(grant.resource(), grant, (a, b) -> {
                Set<AclOperation> operations = EnumSet.copyOf(a.operations());
                operations.addAll(b.operations());
                return new Grant(
                        a.type(),
                        a.name(),
                        a.pattern(),
                        operations,
                        a.why().equals(b.why()) ? a.why() : a.why() + "; " + b.why());
            });
        }
        return new ServiceAccess(service, List.copyOf(joined.values()));
    }

    /** The notifier reads digests and keeps its delivery record, parked digests and failures. */
    public static ServiceAccess notifier(String groupId) {
        return new ServiceAccess(
                NOTIFIER,
                List.of(
                        topic(Topics.DIGESTS, READ, "what to email"),
                        topic(Topics.DIGESTS_RETRY, READ_WRITE, "digests parked after a 4xx reply"),
                        topic(Topics.DELIVERIES, READ_WRITE, "the delivery record: nobody gets an alert twice"),
                        topic(Topics.DELIVERIES_FAILED, WRITE, "digests refused for good"),
                        topic(Topics.MANAGE_GENERATIONS, READ, "signs manage links of the current generation"),
                        topic(Topics.DEAD_LETTERS, WRITE, "digests that cannot be read"),
                        new Grant(
                                ResourceType.GROUP,
                                groupId,
                                PatternType.LITERAL,
                                EnumSet.of(AclOperation.READ),
                                "its consumer group")));
    }

    private static Grant topic(Topic<?, ?> topic, Set<AclOperation> operations, String why) {
        return new Grant(ResourceType.TOPIC, topic.name(), PatternType.LITERAL, operations, why);
    }

    /** The catalogue's topics this service uses, which its start-up creates where missing. */
    public List<Topic<?, ?>> topics() {
        Set<String> names = grants.stream()
                .filter(g -> g.type() == ResourceType.TOPIC && g.pattern() == PatternType.LITERAL)
                .map(Grant::name)
                .collect(Collectors.toSet());
        return Topics.ALL.stream().filter(t -> names.contains(t.name())).toList();
    }

    /** The ACLs that allow {@code principal} (e.g. {@code User:ingest}) this access from any host. */
    public List<AclBinding> bindings(String principal) {
        List<AclBinding> bindings = new ArrayList<>();
        for (Grant grant : grants) {
            grant.operations().stream()
                    .sorted()
                    .forEach(operation -> bindings.add(new AclBinding(
                            grant.resource(),
                            new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW))));
        }
        return bindings;
    }
}
